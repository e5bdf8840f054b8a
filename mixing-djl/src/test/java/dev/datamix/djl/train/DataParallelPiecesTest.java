package dev.datamix.djl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.training.GradientCollector;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The data-parallel path in pieces. DJL names every CPU {@code cpu()} ({@code Device.of("cpu",
 * 1)} is {@code cpu()} too), so its {@code ParameterStore} cannot hold two CPU replicas, and this
 * machine has no GPU: the pieces that differ with several devices are tested directly.
 */
class DataParallelPiecesTest {
  @Test
  void rowsAreSplitAsTheRanksSliceTheGlobalBatch() {
    // the ranks' slices of a global batch: [r·n/W, (r+1)·n/W)
    assertArrayEquals(new int[] {2, 3, 3}, ModelState.rowsPerReplica(8, 3));
    assertArrayEquals(new int[] {0, 1, 0, 1}, ModelState.rowsPerReplica(2, 4));
    assertArrayEquals(new int[] {16}, ModelState.rowsPerReplica(16, 1));
    assertThrows(IllegalArgumentException.class, () -> ModelState.rowsPerReplica(4, 0));
  }

  /** loss = sum(w * c): the gradient of {@code w} becomes {@code c}. */
  private static void backward(NDManager m, NDArray w, float[] c) {
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(w.mul(m.create(c, new Shape(2, 2))).sum());
    }
  }

  /**
   * Two replicas' gradients are summed, the norm is the sum's, and both copies get the same
   * update, equal to one device's update with the summed gradient.
   */
  @Test
  void adamwSumsTheReplicasGradientsAndUpdatesEveryCopyAlike() {
    float[] init = {0.5f, -1f, 2f, 0.25f};
    float[] g1 = {1, -2, 3, 0.5f};
    float[] g2 = {-0.5f, 1, 1, 2};
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      // two replicas: the parameter and an independent copy, each with its own gradient
      Parameter p = AdamWTest.matrix(m, init);
      NDArray copy = p.getArray().duplicate();
      copy.setRequiresGradient(true);
      backward(m, p.getArray(), g1);
      backward(m, copy, g2);
      AdamW two = new AdamW(List.of(p), 0.9, 0.95, 1e-8, 0.1);
      two.update(p.getId(), new NDArray[] {p.getArray().getGradient(), copy.getGradient()},
          new NDArray[] {p.getArray(), copy});
      double norm = two.globalGradNorm();
      two.apply(0.01, 1.0);

      Parameter single = AdamWTest.matrix(m, init);
      float[] sum = new float[4];
      double sq = 0;
      for (int i = 0; i < 4; i++) {
        sum[i] = g1[i] + g2[i];
        sq += sum[i] * sum[i];
      }
      backward(m, single.getArray(), sum);
      AdamW one = new AdamW(List.of(single), 0.9, 0.95, 1e-8, 0.1);
      one.update(single.getId(), new NDArray[] {single.getArray().getGradient()},
          new NDArray[] {single.getArray()});
      assertEquals(Math.sqrt(sq), norm, 1e-5, "the norm of the summed gradient");
      one.apply(0.01, 1.0);

      float[] expected = single.getArray().toFloatArray();
      assertArrayEquals(expected, p.getArray().toFloatArray(), 1e-7f);
      assertArrayEquals(expected, copy.toFloatArray(), 1e-7f, "the replica got the same update");
      assertTrue(Math.abs(expected[0] - init[0]) > 1e-3, "an update happened");
      assertArrayEquals(new float[4], copy.getGradient().toFloatArray(), "gradients zeroed");
      assertArrayEquals(one.exportState().firstMoments().get(0),
          two.exportState().firstMoments().get(0), 1e-7f);
      two.close();
      one.close();
    }
  }
}
