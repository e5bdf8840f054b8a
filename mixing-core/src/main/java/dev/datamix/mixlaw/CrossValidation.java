package dev.datamix.mixlaw;

import dev.datamix.random.Seeds;
import java.util.Arrays;
import java.util.Comparator;
import java.util.function.BiFunction;

/**
 * K-fold cross-validation of a prediction over swarm runs: every run is predicted once by a model
 * fitted without its fold, and the out-of-fold predictions are ranked against the truth (RegMix
 * reports Spearman's ρ on held-out runs). The folds are a seeded permutation, the same for every
 * regressor given the same seed.
 */
public final class CrossValidation {
  private CrossValidation() {}

  /**
   * The fold of each of {@code n} runs, {@code folds} folds (leave-one-out when {@code folds >=
   * n}).
   */
  public static int[] folds(int n, int folds, long seed) {
    if (folds < 2) {
      throw new IllegalArgumentException("folds must be >= 2, got " + folds);
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingLong(i -> Seeds.hash(seed, 0x63766c64L, i)));
    int f = Math.min(folds, n);
    int[] fold = new int[n];
    for (int i = 0; i < n; i++) {
      fold[order[i]] = i % f;
    }
    return fold;
  }

  /**
   * Out-of-fold predictions: for each fold, {@code fitAndPredict(trainRows, testRows)} returns the
   * predictions of the test rows from a model fitted on the train rows.
   */
  public static double[] outOfFold(int[] fold, BiFunction<int[], int[], double[]> fitAndPredict) {
    int n = fold.length;
    int f = Arrays.stream(fold).max().orElse(-1) + 1;
    double[] out = new double[n];
    for (int k = 0; k < f; k++) {
      final int current = k;
      int[] train = java.util.stream.IntStream.range(0, n).filter(i -> fold[i] != current)
          .toArray();
      int[] test = java.util.stream.IntStream.range(0, n).filter(i -> fold[i] == current)
          .toArray();
      double[] p = fitAndPredict.apply(train, test);
      for (int i = 0; i < test.length; i++) {
        out[test[i]] = p[i];
      }
    }
    return out;
  }
}
