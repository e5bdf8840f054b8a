package dev.datamix.mixlaw;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The regressors by name: {@code loglinear} ({@link LogLinearLaw}), {@code linear} and {@code
 * quadratic} ({@link MixturePolynomial}), and every {@link MixRegressor} on the class path through
 * {@link ServiceLoader} (the {@code mixing-xgboost} module adds {@code gbt}).
 */
public final class MixRegressors {
  private final Map<String, MixRegressor> byName = new LinkedHashMap<>();

  private MixRegressors() {}

  /** The built-in regressors and those found by {@link ServiceLoader}. */
  public static MixRegressors load() {
    MixRegressors r = new MixRegressors();
    r.add(new LogLinearLaw());
    r.add(MixturePolynomial.linear());
    r.add(MixturePolynomial.quadratic());
    for (MixRegressor m : ServiceLoader.load(MixRegressor.class)) {
      r.add(m);
    }
    return r;
  }

  private void add(MixRegressor m) {
    if (byName.putIfAbsent(m.name(), m) != null) {
      throw new IllegalStateException("two regressors are named '" + m.name() + "'");
    }
  }

  /** The names, built-ins first. */
  public List<String> names() {
    return new ArrayList<>(byName.keySet());
  }

  /**
   * The regressor {@code name}.
   *
   * @throws IllegalArgumentException naming the known regressors
   */
  public MixRegressor get(String name) {
    MixRegressor m = byName.get(name);
    if (m == null) {
      throw new IllegalArgumentException("unknown regressor '" + name + "'; known: " + names()
          + (name.equals("gbt") ? " (gbt needs the mixing-xgboost module on the class path)"
              : ""));
    }
    return m;
  }
}
