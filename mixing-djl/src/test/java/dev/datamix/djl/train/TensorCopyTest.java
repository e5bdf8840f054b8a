package dev.datamix.djl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.datamix.djl.model.GptConfig;
import dev.datamix.state.Json;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A restored run must compute with tensors in PyTorch's own (aligned) memory, as an uninterrupted
 * run does; DJL's {@code set(float[])} would leave them on a Java buffer (see {@link TensorCopy}).
 */
class TensorCopyTest {
  /** The Java buffer DJL keeps alive for a tensor that wraps one, or null. */
  static Object javaBuffer(NDArray a) throws ReflectiveOperationException {
    return field(a, "dataRef");
  }

  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    Field f = owner.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(owner);
  }

  @Test
  void copiesIntoTheTensorsOwnMemory() throws Exception {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray viaSet = m.zeros(new Shape(2, 3));
      viaSet.set(new float[] {1, 2, 3, 4, 5, 6});
      assertNotNull(javaBuffer(viaSet), "DJL's set(float[]) rebinds to a Java buffer");

      NDArray target = m.zeros(new Shape(2, 3));
      TensorCopy.into(target, new float[] {1, 2, 3, 4, 5, 6});
      assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, target.toFloatArray());
      assertNull(javaBuffer(target));
      assertThrows(IllegalArgumentException.class,
          () -> TensorCopy.into(target, new float[] {1, 2}));
    }
  }

  @Test
  void aRestoredModelAndOptimizerStayInPyTorchMemory() throws Exception {
    TrainingConfig config = TrainingConfig.fromJson(Json.parse("{\"layers\": 1, \"dModel\": 16, "
        + "\"heads\": 2, \"batchSize\": 2, \"steps\": 1, \"warmupSteps\": 0}"));
    GptConfig gpt = new GptConfig(20, 8, 1, 16, 2, 2, true);
    try (ModelState state = new ModelState(gpt, config, new Device[] {Device.cpu()})) {
      int[] tokens = new int[2 * 9];
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] = i % 20;
      }
      state.forwardBackward(tokens, 2, 9);
      state.update(1e-3);
      List<List<Checkpoint.Tensor>> saved = state.export();
      Checkpoint.Contents contents = new Checkpoint.Contents(1, null, null, null, null, null, 0,
          0, 0, state.optimizerUpdates(), saved.get(0), saved.get(1));
      state.restore(contents);
      List<Parameter> params = state.model().orderedParameters();
      for (int i = 0; i < params.size(); i++) {
        NDArray w = params.get(i).getArray();
        assertSame(w, state.parameters().getValue(params.get(i), Device.cpu(), false));
        assertNull(javaBuffer(w), params.get(i).getName());
        assertArrayEquals(saved.get(0).get(i).values(), w.toFloatArray());
      }
      AdamW optimizer = (AdamW) field(state, "optimizer");
      for (String moment : List.of("firstMoment", "secondMoment")) {
        Map<?, ?> byParameter = (Map<?, ?>) field(optimizer, moment);
        assertEquals(params.size(), byParameter.size());
        for (Object copies : byParameter.values()) {
          assertNull(javaBuffer(((NDArray[]) copies)[0]), moment);
        }
      }
      List<List<Checkpoint.Tensor>> again = state.export();
      for (int i = 0; i < saved.get(1).size(); i++) {
        assertArrayEquals(saved.get(1).get(i).values(), again.get(1).get(i).values());
      }
    }
  }
}
