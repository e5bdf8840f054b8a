package dev.datamix.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.datamix.djl.model.GptConfig;
import dev.datamix.djl.model.GptModel;
import dev.datamix.djl.model.LanguageModelLoss;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GptModelTest {
  private static final GptConfig SMALL = new GptConfig(50, 16, 2, 32, 4, 4, true);

  private static float[] logits(GptModel model, NDManager m, int[][] tokens) {
    int b = tokens.length;
    int t = tokens[0].length;
    int[] flat = new int[b * t];
    for (int i = 0; i < b; i++) {
      System.arraycopy(tokens[i], 0, flat, i * t, t);
    }
    NDArray in = m.create(flat, new Shape(b, t));
    return model.forward(new ParameterStore(m, false), new NDList(in), false).head()
        .toFloatArray();
  }

  @Test
  void attentionIsCausal() {
    try (NDManager m = NDManager.newBaseManager()) {
      GptModel model = new GptModel(SMALL);
      model.initializeWeights(m, 1);
      int[] a = {3, 7, 1, 9, 4, 4, 2, 8, 11, 5, 6, 0, 13, 17, 19, 23};
      int[] b = a.clone();
      int changed = 9;
      b[changed] = 42;
      float[] la = logits(model, m, new int[][] {a});
      float[] lb = logits(model, m, new int[][] {b});
      int v = SMALL.vocabSize();
      for (int pos = 0; pos < 16; pos++) {
        float[] pa = Arrays.copyOfRange(la, pos * v, (pos + 1) * v);
        float[] pb = Arrays.copyOfRange(lb, pos * v, (pos + 1) * v);
        if (pos < changed) {
          assertArrayEquals(pa, pb, 0f, "logits at position " + pos + " saw a future token");
        } else {
          assertFalse(Arrays.equals(pa, pb), "position " + pos + " must see token " + changed);
        }
      }
    }
  }

  @Test
  void initialisationIsDeterministicForASeed() {
    try (NDManager m = NDManager.newBaseManager()) {
      GptModel x = new GptModel(SMALL);
      x.initializeWeights(m, 5);
      GptModel y = new GptModel(SMALL);
      y.initializeWeights(m, 5);
      int[][] tokens = {{1, 2, 3, 4}};
      assertArrayEquals(logits(x, m, tokens), logits(y, m, tokens), 0f);
      long count = x.orderedParameters().stream().mapToLong(p -> p.getShape().size()).sum();
      assertEquals(SMALL.parameterCount(), count);
    }
  }

  @Test
  void perBlockLossMatchesADirectComputation() {
    try (NDManager m = NDManager.newBaseManager()) {
      GptModel model = new GptModel(SMALL);
      model.initializeWeights(m, 2);
      int[][] rows = {{1, 5, 9, 2, 7, 3}, {4, 4, 4, 4, 4, 4}, {0, 49, 1, 48, 2, 47}};
      int[][] inputs = new int[3][5];
      int[][] targets = new int[3][5];
      for (int r = 0; r < 3; r++) {
        inputs[r] = Arrays.copyOfRange(rows[r], 0, 5);
        targets[r] = Arrays.copyOfRange(rows[r], 1, 6);
      }
      float[] lg = logits(model, m, inputs);
      NDArray logitsNd = m.create(lg, new Shape(3, 5, SMALL.vocabSize()));
      int[] flatTargets = new int[15];
      for (int r = 0; r < 3; r++) {
        System.arraycopy(targets[r], 0, flatTargets, r * 5, 5);
      }
      float[] perBlock = LanguageModelLoss.perBlock(logitsNd, m.create(flatTargets,
          new Shape(3, 5))).toFloatArray();
      int v = SMALL.vocabSize();
      for (int r = 0; r < 3; r++) {
        double sum = 0;
        for (int t = 0; t < 5; t++) {
          int off = (r * 5 + t) * v;
          double max = Double.NEGATIVE_INFINITY;
          for (int k = 0; k < v; k++) {
            max = Math.max(max, lg[off + k]);
          }
          double z = 0;
          for (int k = 0; k < v; k++) {
            z += Math.exp(lg[off + k] - max);
          }
          sum += -(lg[off + targets[r][t]] - max - Math.log(z));
        }
        assertEquals(sum / 5, perBlock[r], 1e-5, "block " + r);
        // the same block alone gives the same loss: rows do not interact
        float[] alone = logits(model, m, new int[][] {inputs[r]});
        float[] aloneLoss = LanguageModelLoss.perBlock(
            m.create(alone, new Shape(1, 5, v)), m.create(targets[r], new Shape(1, 5)))
            .toFloatArray();
        assertEquals(perBlock[r], aloneLoss[0], 1e-5);
      }
    }
  }

  @Test
  void inputLongerThanTheContextIsRejected() {
    try (NDManager m = NDManager.newBaseManager()) {
      GptModel model = new GptModel(SMALL);
      model.initializeWeights(m, 2);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> logits(model, m, new int[][] {new int[17]}));
      assertEquals("input has 17 tokens but the model's context is 16", e.getMessage());
    }
  }

  @Test
  void configRejectsIndivisibleHeads() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new GptConfig(10, 8, 1, 30, 4, 4, true));
    assertEquals("dModel (30) must be divisible by heads, got heads 4", e.getMessage());
  }
}
