package dev.datamix.djl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamWTest {
  private static final float[] INIT = {0.5f, -1.0f, 2.0f, 0.25f};
  private static final float[][] COEF = {{1, -2, 3, 0.5f}, {-1, 4, 1, 2}, {2, 2, -3, 1}};

  private static Parameter matrix(NDManager m) {
    return matrix(m, INIT.clone());
  }

  /** A 2 × 2 weight parameter holding {@code init}, with its gradient attached. */
  static Parameter matrix(NDManager m, float[] init) {
    Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
    p.setArray(m.create(init, new Shape(2, 2)));
    p.initialize(m, DataType.FLOAT32);
    return p;
  }

  /** One step: loss = sum(w * c), so the gradient is c. */
  private static void step(ParameterStore ps, AdamW opt, Parameter p, NDManager m, float[] c,
      double lr, double clip) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray w = ps.getValue(p, Device.cpu(), true);
        gc.backward(w.mul(m.create(c, new Shape(2, 2))).sum());
      }
      ps.updateAllParameters();
      double norm = opt.globalGradNorm();
      opt.apply(lr, clip > 0 && norm > clip ? clip / norm : 1.0);
    }
  }

  @Test
  void matchesAScalarReferenceWithClippingAndDecoupledDecay() {
    double b1 = 0.9;
    double b2 = 0.95;
    double eps = 1e-3; // large enough that its placement is tested
    double wd = 0.1;
    double lr = 0.01;
    double clip = 3.0;
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter p = matrix(m);
      AdamW opt = new AdamW(List.of(p), b1, b2, eps, wd);
      ParameterStore ps = new ParameterStore(m, false);
      ps.setParameterServer(opt, new Device[] {Device.cpu()});
      double[] w = new double[4];
      double[] mo = new double[4];
      double[] v = new double[4];
      for (int i = 0; i < 4; i++) {
        w[i] = INIT[i];
      }
      for (int t = 1; t <= 3; t++) {
        float[] c = COEF[t - 1];
        step(ps, opt, p, m, c, lr, clip);
        double norm = 0;
        for (float x : c) {
          norm += x * x;
        }
        norm = Math.sqrt(norm);
        double scale = norm > clip ? clip / norm : 1;
        for (int i = 0; i < 4; i++) {
          double g = c[i] * scale;
          mo[i] = b1 * mo[i] + (1 - b1) * g;
          v[i] = b2 * v[i] + (1 - b2) * g * g;
          // Kingma & Ba's efficient form: eps added to sqrt(v) before bias correction
          double lrt = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
          w[i] = w[i] * (1 - lr * wd) - lrt * mo[i] / (Math.sqrt(v[i]) + eps);
        }
      }
      float[] got = p.getArray().toFloatArray();
      for (int i = 0; i < 4; i++) {
        assertEquals(w[i], got[i], 1e-6, "weight " + i);
      }
      assertEquals(3, opt.updates());
    }
  }

  @Test
  void exportedStateContinuesExactly() {
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter a = matrix(m);
      AdamW optA = new AdamW(List.of(a), 0.9, 0.99, 1e-8, 0.01);
      ParameterStore psA = new ParameterStore(m, false);
      psA.setParameterServer(optA, new Device[] {Device.cpu()});
      step(psA, optA, a, m, COEF[0], 0.1, 0);
      AdamW.State saved = optA.exportState();
      float[] weightsAfterOne = a.getArray().toFloatArray();
      step(psA, optA, a, m, COEF[1], 0.1, 0);

      Parameter b = matrix(m);
      b.getArray().set(weightsAfterOne);
      AdamW optB = new AdamW(List.of(b), 0.9, 0.99, 1e-8, 0.01);
      ParameterStore psB = new ParameterStore(m, false);
      psB.setParameterServer(optB, new Device[] {Device.cpu()});
      optB.importState(saved, List.<NDArray[]>of(new NDArray[] {b.getArray()}));
      step(psB, optB, b, m, COEF[1], 0.1, 0);
      float[] x = a.getArray().toFloatArray();
      float[] y = b.getArray().toFloatArray();
      for (int i = 0; i < 4; i++) {
        assertEquals(x[i], y[i], 0f, "weight " + i);
      }
    }
  }
}
