package dev.datamix.xgboost;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixlaw.MixRegressor;
import dev.datamix.state.Json;
import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * {@code gbt}: gradient-boosted regression trees on the mixture weights, RegMix's regressor
 * (Liu et al., ICLR 2025, arXiv 2407.01492; {@code sail-sg/regmix}, {@code
 * regression_fitting/regression.ipynb}: LightGBM, 1,000 rounds at learning rate 0.01 with early
 * stopping). Here XGBoost, squared error, depth 3, learning rate 0.05, 300 rounds, one thread and
 * the fit's seed, so a fit is deterministic; there is no early stopping, since a swarm of tens of
 * runs has no validation split to spare (cross-validation reports the fit's quality instead).
 */
public final class GradientBoostedTrees implements MixRegressor {
  static final int ROUNDS = 300;

  /** Found through {@link java.util.ServiceLoader}. */
  public GradientBoostedTrees() {}

  @Override
  public String name() {
    return "gbt";
  }

  @Override
  public String description() {
    return "gradient-boosted trees (XGBoost; RegMix fits LightGBM): depth 3, eta 0.05, "
        + ROUNDS + " rounds";
  }

  static Map<String, Object> params(long seed) {
    Map<String, Object> p = new HashMap<>();
    p.put("objective", "reg:squarederror");
    p.put("max_depth", 3);
    p.put("eta", 0.05);
    p.put("min_child_weight", 1);
    p.put("nthread", 1);
    p.put("seed", (int) (seed & 0x7fffffff));
    p.put("verbosity", 0);
    return p;
  }

  @Override
  public Fitted fit(double[][] x, double[] y, long seed) {
    MixRegressor.check(x, y, 2);
    try {
      DMatrix train = matrix(x);
      float[] label = new float[y.length];
      for (int i = 0; i < y.length; i++) {
        label[i] = (float) y[i];
      }
      train.setLabel(label);
      Booster booster = XGBoost.train(train, params(seed), ROUNDS, new HashMap<>(), null, null);
      train.dispose();
      return new Trees(booster, x[0].length);
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost failed to fit " + y.length + " runs: "
          + e.getMessage(), e);
    }
  }

  private static DMatrix matrix(double[][] x) throws XGBoostError {
    int k = x[0].length;
    float[] flat = new float[x.length * k];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < k; j++) {
        flat[i * k + j] = (float) x[i][j];
      }
    }
    return new DMatrix(flat, x.length, k, Float.NaN);
  }

  /** A fitted booster; predictions are batched. */
  private static final class Trees implements Fitted {
    private final Booster booster;
    private final int k;

    Trees(Booster booster, int k) {
      this.booster = booster;
      this.k = k;
    }

    @Override
    public double predict(double[] r) {
      return predictAll(new double[][] {r})[0];
    }

    @Override
    public double[] predictAll(double[][] r) {
      if (r.length == 0) {
        return new double[0];
      }
      try {
        DMatrix m = matrix(r);
        float[][] p = booster.predict(m);
        m.dispose();
        double[] out = new double[r.length];
        for (int i = 0; i < out.length; i++) {
          out[i] = p[i][0];
        }
        return out;
      } catch (XGBoostError e) {
        throw new IllegalStateException("XGBoost failed to predict: " + e.getMessage(), e);
      }
    }

    @Override
    public ObjectNode describe() {
      return Json.object().put("form", "gradient-boosted trees (XGBoost)").put("rounds", ROUNDS)
          .put("maxDepth", 3).put("eta", 0.05).put("features", k);
    }
  }
}
