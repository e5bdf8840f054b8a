package dev.datamix.djl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.djl.model.GptConfig;
import dev.datamix.djl.model.GptModel;
import dev.datamix.mixture.Mixture;
import dev.datamix.signal.Observation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GradientProbeTest {
  @TempDir Path dir;

  private static float[] flatten(List<NDArray> grads) {
    int n = 0;
    for (NDArray g : grads) {
      n += (int) g.getShape().size();
    }
    float[] out = new float[n];
    int at = 0;
    for (NDArray g : grads) {
      float[] v = g.toFloatArray();
      System.arraycopy(v, 0, out, at, v.length);
      at += v.length;
    }
    return out;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  @Test
  void alignmentMatchesExplicitGradientCopiesAndAFiniteDifference() throws IOException {
    DemoCorpus.write(dir.resolve("c"), 30_000, 16, 2);
    try (Corpus corpus = Corpus.open(dir.resolve("c")); NDManager m = NDManager.newBaseManager()) {
      GptModel model = new GptModel(new GptConfig(257, 16, 1, 16, 2, 2, true));
      model.initializeWeights(m, 4);
      ParameterStore ps = new ParameterStore(m, false);
      int[] train = {0, 1, 2};
      List<String> names = List.of("template", "arith", "code");
      GradientProbe probe = new GradientProbe(corpus, train, corpus.domainIndex("target_mix"), 6,
          4, 9);
      List<Mixture> probes = List.of(Mixture.oneHot(names, "template"),
          Mixture.oneHot(names, "arith"), Mixture.normalise(names, new double[] {1, 2, 3}));
      Device cpu = Device.cpu();
      Observation.GradientAlignment a = probe.measure(7, probes, true, model, ps, m, cpu);

      probe.assembleTarget(7);
      float[] target = flatten(probe.gradient(model, ps, m, cpu));
      float[][] g = new float[3][];
      for (int j = 0; j < 3; j++) {
        probe.assembleProbe(7, j, probes.get(j));
        g[j] = flatten(probe.gradient(model, ps, m, cpu));
      }
      assertEquals(Math.sqrt(dot(target, target)), a.targetNorm(), 1e-4 * a.targetNorm());
      for (int j = 0; j < 3; j++) {
        double expected = dot(g[j], target);
        assertEquals(expected, a.scores().get(j), 1e-4 * Math.abs(expected) + 1e-9, "probe " + j);
        assertEquals(Math.sqrt(dot(g[j], g[j])), a.probeNorms().get(j), 1e-4 * a.probeNorms()
            .get(j));
        for (int k = 0; k < 3; k++) {
          double gjk = dot(g[j], g[k]);
          assertEquals(gjk, a.gram().get(j * 3 + k), 1e-4 * Math.abs(gjk) + 1e-9);
        }
      }

      // The score is the directional derivative of the target loss along the probe gradient.
      int j = 1;
      double eps = 1e-2 / Math.sqrt(dot(g[j], g[j]));
      double up = targetLossAfterShift(model, ps, m, probe, g[j], eps);
      double down = targetLossAfterShift(model, ps, m, probe, g[j], -2 * eps);
      targetLossAfterShift(model, ps, m, probe, g[j], eps); // restore
      double fd = (up - down) / (2 * eps);
      assertEquals(a.scores().get(j), fd, 0.05 * Math.abs(a.scores().get(j)),
          "finite difference " + fd + " vs score " + a.scores().get(j));
      assertTrue(a.scores().get(j) != 0);
    }
  }

  private static double targetLossAfterShift(GptModel model, ParameterStore ps, NDManager m,
      GradientProbe probe, float[] direction, double eps) {
    int at = 0;
    for (Parameter p : model.orderedParameters()) {
      NDArray w = p.getArray();
      int n = (int) w.getShape().size();
      float[] v = w.toFloatArray();
      for (int i = 0; i < n; i++) {
        v[i] += (float) (eps * direction[at + i]);
      }
      w.set(v);
      at += n;
    }
    probe.assembleTarget(7);
    return ModelBatch.perBlockLoss(model, ps, m, Device.cpu(), probe.assemblerTokens(), 0,
        probe.batchSize(), probe.rowLength(), false).mean().getFloat();
  }
}
