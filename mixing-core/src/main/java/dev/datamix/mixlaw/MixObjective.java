package dev.datamix.mixlaw;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.state.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * What the proposer minimises, read from a swarm's metric columns: {@code mean} (the mean of the
 * per-domain columns {@code <domain>_bpb}), {@code worst} (their largest), {@code mean:a,b,…} or
 * {@code worst:a,b,…} over named columns, {@code target} ({@code target_bpb}), or any one column
 * by name. One regressor is fitted per column and the predictions are combined, as Data Mixing
 * Laws fit one law per validation domain and sum them (arXiv 2403.16952, §3) and Olmix averages
 * its per-metric predictions ({@code olmix/fit/utils.py}, line 463). Only runs with every needed
 * column measured are used.
 */
public final class MixObjective {
  private final String spec;
  private final List<String> columns;
  private final boolean worst;

  private MixObjective(String spec, List<String> columns, boolean worst) {
    this.spec = spec;
    this.columns = List.copyOf(columns);
    this.worst = worst;
  }

  /**
   * The objective {@code spec} over {@code table}'s columns.
   *
   * @throws IllegalArgumentException naming the missing column and the columns present
   */
  public static MixObjective parse(String spec, SwarmTable table) {
    List<String> cols = new ArrayList<>();
    boolean worst = spec.equals("worst") || spec.startsWith("worst:");
    if (spec.equals("mean") || spec.equals("worst")) {
      table.domains().forEach(d -> cols.add(d + "_bpb"));
    } else if (spec.startsWith("mean:") || spec.startsWith("worst:")) {
      cols.addAll(List.of(spec.substring(spec.indexOf(':') + 1).split(",")));
    } else {
      cols.add(spec.equals("target") ? "target_bpb" : spec);
    }
    for (String c : cols) {
      if (!table.metricNames().contains(c)) {
        throw new IllegalArgumentException("objective '" + spec + "' needs metric column '" + c
            + "', which the swarm lacks; its metrics: " + table.metricNames());
      }
    }
    return new MixObjective(spec, cols, worst);
  }

  /** The objective as given. */
  public String spec() {
    return spec;
  }

  /** The metric columns it reads. */
  public List<String> columns() {
    return columns;
  }

  /** The indices of the runs with every needed column measured. */
  public int[] usableRuns(SwarmTable table) {
    List<Integer> ok = new ArrayList<>();
    for (int i = 0; i < table.runs().size(); i++) {
      boolean all = true;
      for (String c : columns) {
        all &= Double.isFinite(table.runs().get(i).metrics()[table.metricNames().indexOf(c)]);
      }
      if (all) {
        ok.add(i);
      }
    }
    return ok.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The objective's observed value for each run in {@code rows}. */
  public double[] observed(SwarmTable table, int[] rows) {
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      double[] v = new double[columns.size()];
      for (int j = 0; j < v.length; j++) {
        v[j] = table.runs().get(rows[i]).metrics()[table.metricNames().indexOf(columns.get(j))];
      }
      out[i] = combine(v);
    }
    return out;
  }

  /** Fits {@code regressor} to every needed column over the runs {@code rows}. */
  public Fit fit(MixRegressor regressor, SwarmTable table, int[] rows, long seed) {
    double[][] x = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      x[i] = table.runs().get(rows[i]).ratios();
    }
    List<MixRegressor.Fitted> fits = new ArrayList<>();
    for (String c : columns) {
      double[] all = table.metric(c);
      double[] y = new double[rows.length];
      for (int i = 0; i < rows.length; i++) {
        y[i] = all[rows[i]];
      }
      fits.add(regressor.fit(x, y, seed));
    }
    return new Fit(fits);
  }

  /**
   * Spearman's ρ between the objective's out-of-fold predictions and its observed values over the
   * usable runs, {@code folds} folds.
   */
  public double crossValidatedSpearman(MixRegressor regressor, SwarmTable table, int folds,
      long seed) {
    int[] rows = usableRuns(table);
    int[] fold = CrossValidation.folds(rows.length, folds, seed);
    double[] predicted = CrossValidation.outOfFold(fold, (train, test) -> {
      int[] trainRows = java.util.Arrays.stream(train).map(i -> rows[i]).toArray();
      Fit f = fit(regressor, table, trainRows, seed);
      double[][] x = java.util.Arrays.stream(test).mapToObj(i -> table.runs().get(rows[i])
          .ratios()).toArray(double[][]::new);
      return f.predictAll(x);
    });
    return Spearman.correlation(predicted, observed(table, rows));
  }

  /** The fitted models of an objective. */
  public final class Fit {
    private final List<MixRegressor.Fitted> fits;

    private Fit(List<MixRegressor.Fitted> fits) {
      this.fits = List.copyOf(fits);
    }

    /** The predicted objective of each mixture. */
    public double[] predictAll(double[][] r) {
      double[][] p = new double[fits.size()][];
      for (int j = 0; j < p.length; j++) {
        p[j] = fits.get(j).predictAll(r);
      }
      double[] out = new double[r.length];
      double[] v = new double[p.length];
      for (int i = 0; i < r.length; i++) {
        for (int j = 0; j < p.length; j++) {
          v[j] = p[j][i];
        }
        out[i] = combine(v);
      }
      return out;
    }

    /** The predicted objective of one mixture. */
    public double predict(double[] r) {
      return predictAll(new double[][] {r})[0];
    }

    /** Each column's fitted model. */
    public ObjectNode describe() {
      ObjectNode o = Json.object();
      for (int i = 0; i < fits.size(); i++) {
        o.set(columns.get(i), fits.get(i).describe());
      }
      return o;
    }
  }

  /** The mean of the columns' values, or their largest for {@code worst}. */
  private double combine(double[] v) {
    double s = worst ? Double.NEGATIVE_INFINITY : 0;
    for (double x : v) {
      s = worst ? Math.max(s, x) : s + x / v.length;
    }
    return s;
  }
}
