package dev.datamix.velocitune;

/**
 * The proxy runs whose final losses Velocitune's targets are fitted on: {@code count} runs with
 * the initial weights, the {@code k}-th trained for {@code k/count} of {@code largestFraction} of
 * the main run's steps, each to the end of its own schedule — the main run's shape (warm-up share,
 * peak and final rate) compressed to the proxy's length — so that each point is an annealed final
 * loss, as the main run's final loss will be.
 *
 * <p>Why not points read inside one proxy: a short proxy whose cosine reaches its floor early
 * bends its curve down at the end, which a fit of {@code E + B/D^β} reads as saturation, so the
 * targets land just below its last loss; the main run, still at a high rate there, passes them
 * early and every velocity collapses to 0 (issue 19; docs/policies/velocitune.md). Points read mid-schedule
 * of the main run instead sit above the annealed loss the run ends at. Final losses of completed
 * runs are what scaling laws are fitted on (Hoffmann et al., 2022), and what the target stands
 * for.
 *
 * @param mainSteps the main run's steps, {@code > 0}
 * @param mainWarmupSteps the main run's warm-up steps, {@code >= 0}
 * @param largestFraction the longest proxy's share of the main run's steps, in {@code (0, 1]}
 * @param count how many proxies (fit points), {@code >= 4}
 * @see <a href="https://arxiv.org/abs/2411.14318">Luo et al., Velocitune, ACL 2025</a>
 */
public record ProxyRuns(long mainSteps, long mainWarmupSteps, double largestFraction, int count) {
  /** Validates, naming the parameter. */
  public ProxyRuns {
    if (mainSteps <= 0) {
      throw new IllegalArgumentException("mainSteps must be > 0, got " + mainSteps);
    }
    if (mainWarmupSteps < 0 || mainWarmupSteps > mainSteps) {
      throw new IllegalArgumentException("mainWarmupSteps must be in [0, mainSteps], got "
          + mainWarmupSteps);
    }
    if (!(largestFraction > 0 && largestFraction <= 1)) {
      throw new IllegalArgumentException("proxyFraction must be in (0, 1], got "
          + largestFraction);
    }
    if (count < 4) {
      throw new IllegalArgumentException("fitPoints (the number of proxies) must be >= 4, got "
          + count);
    }
    if (steps(1, mainSteps, largestFraction, count) < 2) {
      throw new IllegalArgumentException("the shortest proxy would train "
          + steps(1, mainSteps, largestFraction, count) + " step(s): raise proxyFraction ("
          + largestFraction + ") or lower fitPoints (" + count + ") for a " + mainSteps
          + "-step run");
    }
  }

  /** Steps of proxy {@code k} ({@code 1..count}). */
  public long steps(int k) {
    if (k < 1 || k > count) {
      throw new IllegalArgumentException("proxy index must be in [1, " + count + "], got " + k);
    }
    return steps(k, mainSteps, largestFraction, count);
  }

  private static long steps(int k, long mainSteps, double largestFraction, int count) {
    return Math.max(1, Math.round(mainSteps * largestFraction * k / count));
  }

  /** Warm-up steps of proxy {@code k}: the main run's warm-up share of its length. */
  public long warmupSteps(int k) {
    return Math.min(steps(k), Math.round((double) mainWarmupSteps * steps(k) / mainSteps));
  }

  /** Steps of all proxies together: their compute as a multiple of the main run's steps. */
  public long totalSteps() {
    long s = 0;
    for (int k = 1; k <= count; k++) {
      s += steps(k);
    }
    return s;
  }
}
