package dev.datamix.djl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.datamix.djl.model.GptConfig;
import dev.datamix.state.Json;
import org.junit.jupiter.api.Test;

/** The trainer's loss weights: the gradient is that of {@code Σ_b w_b·ℓ_b / n}. */
class LossWeightsTest {
  static final TrainingConfig CFG = TrainingConfig.fromJson(Json.parse("{\"layers\": 1, "
      + "\"dModel\": 16, \"heads\": 2, \"batchSize\": 2, \"steps\": 1, \"warmupSteps\": 0, \"gradClip\": 0}"));

  static double gradNorm(int[] tokens, int rows, float[] weights, float[] perToken) {
    try (ModelState s = new ModelState(new GptConfig(32, 8, 1, 16, 2, 4, true), CFG,
        new Device[] {Device.cpu()})) {
      float[] perBlock = s.forwardBackward(tokens, rows, 9, weights, perToken);
      assertEquals(rows, perBlock.length);
      return s.update(0.0);
    }
  }

  @Test
  void weightTwoAndZeroTrainsLikeTheFirstRowTwice() {
    int[] a = {1, 5, 9, 3, 7, 2, 8, 4, 6};
    int[] b = {11, 15, 19, 13, 17, 12, 18, 14, 16};
    int[] ab = new int[18];
    int[] aa = new int[18];
    System.arraycopy(a, 0, ab, 0, 9);
    System.arraycopy(b, 0, ab, 9, 9);
    System.arraycopy(a, 0, aa, 0, 9);
    System.arraycopy(a, 0, aa, 9, 9);
    double weighted = gradNorm(ab, 2, new float[] {2f, 0f}, null);
    double twice = gradNorm(aa, 2, null, null);
    double plain = gradNorm(ab, 2, null, null);
    assertEquals(twice, weighted, 1e-6 * twice);
    assertTrue(Math.abs(plain - weighted) > 1e-4 * plain, "the weights changed the gradient");
  }

  @Test
  void perTokenLossesAverageToTheBlockLosses() {
    int[] ab = new int[18];
    for (int i = 0; i < ab.length; i++) {
      ab[i] = (i * 7) % 32;
    }
    float[] perToken = new float[2 * 8];
    try (ModelState s = new ModelState(new GptConfig(32, 8, 1, 16, 2, 4, true), CFG,
        new Device[] {Device.cpu()})) {
      float[] perBlock = s.forwardBackward(ab, 2, 9, null, perToken);
      s.discardUpdate();
      for (int r = 0; r < 2; r++) {
        double sum = 0;
        for (int j = 0; j < 8; j++) {
          sum += perToken[r * 8 + j];
        }
        assertEquals(perBlock[r], sum / 8, 1e-5, "row " + r);
      }
    }
  }
}
