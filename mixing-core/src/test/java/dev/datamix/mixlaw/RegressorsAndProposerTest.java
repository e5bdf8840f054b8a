package dev.datamix.mixlaw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.mixture.Mixture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegressorsAndProposerTest {
  static final List<String> NAMES = List.of("a", "b", "c", "d");

  static double[][] mixtures(int n, long seed) {
    Dirichlet d = new Dirichlet(seed);
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      x[i] = d.sample(new double[] {1, 1, 1, 1});
    }
    return x;
  }

  static double planted(double[] r) {
    return 2.0 + Math.exp(0.3 * r[0] - 1.2 * r[1] + 0.1 * r[2] - 0.5 * r[3]);
  }

  @Test
  void theLogLinearLawRecoversPlantedParameters() {
    double[][] x = mixtures(40, 1);
    double[] y = new double[x.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = planted(x[i]);
    }
    LogLinearLaw.Law law = (LogLinearLaw.Law) new LogLinearLaw().fit(x, y, 0);
    assertEquals(2.0, law.c(), 1e-6);
    double[] t = {0.3, -1.2, 0.1, -0.5};
    for (int j = 0; j < 4; j++) {
      assertEquals(t[j], law.t(j), 1e-6, "t_" + j);
    }
  }

  @Test
  void theMixturePolynomialsRecoverPlantedCoefficients() {
    double[][] x = mixtures(30, 2);
    double[] lin = {3.0, 2.5, 4.0, 3.5};
    double[] y = new double[x.length];
    double[] yq = new double[x.length];
    for (int i = 0; i < y.length; i++) {
      for (int j = 0; j < 4; j++) {
        y[i] += lin[j] * x[i][j];
      }
      yq[i] = y[i] - 1.5 * x[i][0] * x[i][1] + 0.75 * x[i][2] * x[i][3];
    }
    double[] probe = {0.1, 0.2, 0.3, 0.4};
    assertEquals(3.0 * 0.1 + 2.5 * 0.2 + 4.0 * 0.3 + 3.5 * 0.4,
        MixturePolynomial.linear().fit(x, y, 0).predict(probe), 1e-4);
    MixRegressor.Fitted q = MixturePolynomial.quadratic().fit(x, yq, 0);
    double expected = 3.0 * 0.1 + 2.5 * 0.2 + 4.0 * 0.3 + 3.5 * 0.4 - 1.5 * 0.02 + 0.75 * 0.12;
    assertEquals(expected, q.predict(probe), 1e-4);
    double[] coef = new double[10];
    var c = q.describe().get("coefficients");
    for (int j = 0; j < 10; j++) {
      coef[j] = c.get(j).asDouble();
    }
    assertEquals(-1.5, coef[4], 1e-3, "β_ab");
    assertEquals(0.75, coef[9], 1e-3, "β_cd");
  }

  @Test
  void crossValidationRanksAGoodModelAboveANoisyTarget() {
    double[][] x = mixtures(32, 3);
    List<SwarmTable.Row> rows = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      rows.add(new SwarmTable.Row("r" + i, "r" + i, x[i], new double[] {planted(x[i]),
          (i * 7919 % 32) / 32.0}));
    }
    SwarmTable t = new SwarmTable(NAMES, List.of("mean_bpb", "noise"), rows);
    double good = MixObjective.parse("mean_bpb", t).crossValidatedSpearman(new LogLinearLaw(), t, 5,
        1);
    double bad = MixObjective.parse("noise", t).crossValidatedSpearman(new LogLinearLaw(), t, 5,
        1);
    assertTrue(good > 0.99, "planted law: " + good);
    assertTrue(Math.abs(bad) < 0.5, "unrelated metric: " + bad);
    assertEquals(1.0, Spearman.correlation(new double[] {1, 2, 2, 5}, new double[] {3, 4, 4, 9}),
        1e-12, "ties take their average rank");
  }

  @Test
  void theProposerFindsThePlantedOptimumInsideItsBounds() {
    // the planted law is lowest at b = 1; with maxWeight 0.5 the optimum is b = 0.5, d = 0.5
    Mixture natural = Mixture.of(NAMES, new double[] {0.4, 0.3, 0.2, 0.1});
    MixConstraints bounds = new MixConstraints(NAMES, 0.0, 0.5, new double[] {.5, .5, .5, .5});
    MixProposer.Proposal p = MixProposer.propose(r -> java.util.Arrays.stream(r)
        .mapToDouble(RegressorsAndProposerTest::planted).toArray(), natural, bounds,
        new MixProposer.Options(20_000, 16, 8, 0.0, 1));
    assertEquals(0.5, p.mixture().weight("b"), 0.02, p.mixture().toString());
    assertEquals(0.5, p.mixture().weight("d"), 0.03, p.mixture().toString());
    assertTrue(bounds.admits(p.mixture().toArray()), p.mixture().toString());
    assertTrue(p.predicted() < p.predictedNatural());
    MixProposer.Proposal near = MixProposer.propose(r -> java.util.Arrays.stream(r)
        .mapToDouble(RegressorsAndProposerTest::planted).toArray(), natural, bounds,
        new MixProposer.Options(20_000, 16, 8, 5.0, 1));
    assertTrue(near.klToNatural() < p.klToNatural() / 2, "a KL weight keeps the mix near the "
        + "natural one: " + near.klToNatural() + " vs " + p.klToNatural());
  }

  @Test
  void aProposalFarBeyondEveryObservedRunCarriesANotice() {
    Dirichlet d = new Dirichlet(5);
    List<SwarmTable.Row> rows = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      double[] r = d.sample(new double[] {50, 50, 50, 50}); // runs near the centre only
      rows.add(new SwarmTable.Row("r" + i, "r" + i, r, new double[] {3 * r[0] + r[1] + 2 * r[2]
          + 2 * r[3]}));
    }
    SwarmTable t = new SwarmTable(NAMES, List.of("mean_bpb"), rows);
    Mixture natural = Mixture.uniform(NAMES);
    MixFit fit = new MixFit(t, MixObjective.parse("mean_bpb", t), natural,
        MixConstraints.none(NAMES), new MixProposer.Options(5000, 16, 3, 0, 1), 4, 1);
    var result = fit.run(List.of(MixturePolynomial.linear()), null);
    assertTrue(result.get("predicted").asDouble() < 1.2, result.toString());
    assertEquals(1, result.get("notices").size(), result.toString());
    assertTrue(result.get("notices").get(0).asText().contains("extrapolates"));
    assertTrue(MixFit.markdown(result).contains("**Notice:**"));
  }

  @Test
  void boundsThatAdmitNoMixtureAreRefusedNamingThem() {
    var e = assertThrows(IllegalArgumentException.class, () -> new MixConstraints(NAMES, 0.3,
        1.0, new double[] {1, 1, 1, 1}));
    assertTrue(e.getMessage().contains("minWeight must be in [0, 1/K]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new MixConstraints(NAMES, 0.0, 1.0,
        new double[] {0.2, 0.2, 0.2, 0.2}));
    assertTrue(e.getMessage().contains("add up to 0.8"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> MixRegressors.load().get("gbt"));
    assertTrue(e.getMessage().contains("mixing-xgboost"), e.getMessage());
  }
}
