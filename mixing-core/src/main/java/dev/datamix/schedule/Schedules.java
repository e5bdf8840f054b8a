package dev.datamix.schedule;

import java.util.List;

/**
 * Learning-rate schedules for continual pre-training, as pure functions of the step, built from
 * composable pieces: linear warmup, cosine and linear decay, constants, a sequence of segments
 * (each seeing the step relative to its start), rewarm + redecay at every dataset switch, the
 * infinite schedule, and warmup-stable-decay.
 *
 * @see <a href="https://arxiv.org/abs/2403.08763">Ibrahim et al., Simple and Scalable Strategies
 *     to Continually Pre-train Large Language Models, TMLR 2024</a>
 */
public final class Schedules {
  private Schedules() {}

  /** How a cooldown goes from {@code η_max} to {@code η_const}. */
  public enum Cooldown {
    /** Half a cosine. */
    COSINE,
    /** {@code η_max + (η_const − η_max)·h(x)/h(1)}, {@code h(x) = 1/√(1 + α·x) − 1}. */
    INVERSE_SQRT
  }

  /** How an anneal goes from {@code η_const} to {@code η_min}. */
  public enum Anneal {
    /** Straight line. */
    LINEAR,
    /** Geometric: {@code η_const·(η_min/η_const)^x}. */
    EXPONENTIAL
  }

  /** A schedule that starts at a step: the step it sees is counted from {@code start}. */
  public record Segment(long start, LearningRateSchedule schedule) {
    /** Validates the start. */
    public Segment {
      if (start < 0) {
        throw new IllegalArgumentException("segment start must be >= 0, got " + start);
      }
    }
  }

  /** Linear from {@code from} at step 0 to {@code to} at {@code steps}, then {@code to}. */
  public static LearningRateSchedule linear(double from, double to, long steps) {
    rate("from", from);
    rate("to", to);
    positive("steps", steps);
    return t -> t >= steps ? to : from + (to - from) * t / steps;
  }

  /**
   * Linear warmup from {@code peak/steps} at step 0 to {@code peak} at step {@code steps − 1}
   * (never 0, so the first update moves), then {@code peak}.
   */
  public static LearningRateSchedule warmup(double peak, long steps) {
    rate("peak", peak);
    positive("steps", steps);
    return t -> t >= steps ? peak : peak * (t + 1) / steps;
  }

  /** Half a cosine from {@code from} to {@code to} over {@code steps}, then {@code to}. */
  public static LearningRateSchedule cosine(double from, double to, long steps) {
    rate("from", from);
    rate("to", to);
    positive("steps", steps);
    return t -> t >= steps ? to : to + (from - to) / 2 * (1 + Math.cos(Math.PI * t / steps));
  }

  /** The inverse-square-root cooldown from {@code from} to {@code to} over {@code steps}. */
  public static LearningRateSchedule inverseSqrt(double from, double to, long steps,
      double alpha) {
    rate("from", from);
    rate("to", to);
    positive("steps", steps);
    if (!(alpha > 0)) {
      throw new IllegalArgumentException("alpha must be > 0, got " + alpha);
    }
    double h1 = 1 / Math.sqrt(1 + alpha) - 1;
    return t -> {
      if (t >= steps) {
        return to;
      }
      double x = (double) t / steps;
      return from + (to - from) * (1 / Math.sqrt(1 + alpha * x) - 1) / h1;
    };
  }

  /** Exponential anneal from {@code from} to {@code to > 0} over {@code steps}. */
  public static LearningRateSchedule exponential(double from, double to, long steps) {
    rate("from", from);
    positive("to", to);
    positive("steps", steps);
    return t -> t >= steps ? to : from * Math.pow(to / from, (double) t / steps);
  }

  /**
   * Segments in time order: at step {@code t} the last segment with {@code start <= t} answers
   * for {@code t − start}.
   *
   * @throws IllegalArgumentException unless the first starts at 0 and starts increase
   */
  public static LearningRateSchedule sequence(List<Segment> segments) {
    List<Segment> s = List.copyOf(segments);
    if (s.isEmpty() || s.get(0).start() != 0) {
      throw new IllegalArgumentException("segments must start with one at step 0, got " + s);
    }
    for (int i = 1; i < s.size(); i++) {
      if (s.get(i).start() <= s.get(i - 1).start()) {
        throw new IllegalArgumentException("segment starts must increase, got "
            + s.get(i - 1).start() + " then " + s.get(i).start());
      }
    }
    return t -> {
      int i = s.size() - 1;
      while (s.get(i).start() > t) {
        i--;
      }
      return s.get(i).schedule().at(t - s.get(i).start());
    };
  }

  /**
   * Rewarm + redecay at every dataset switch: each phase {@code [switches[k], switches[k+1])}
   * warms up linearly to {@code peak} over {@code warmupFraction} of its steps, then decays by
   * cosine to {@code min} at its end: {@code η_t = η_min + (η_max − η_min)/2·(1 + cos(π·(t −
   * t_w)/(T − t_w)))}.
   *
   * @param phaseStarts first step of every phase, starting at 0
   * @param totalSteps end of the last phase
   */
  public static LearningRateSchedule rewarmRedecay(long[] phaseStarts, long totalSteps,
      double peak, double warmupFraction, double min) {
    if (!(warmupFraction >= 0 && warmupFraction < 1)) {
      throw new IllegalArgumentException(
          "warmupFraction must be in [0, 1), got " + warmupFraction);
    }
    Segment[] segs = new Segment[phaseStarts.length];
    for (int k = 0; k < phaseStarts.length; k++) {
      long end = k + 1 < phaseStarts.length ? phaseStarts[k + 1] : totalSteps;
      long length = end - phaseStarts[k];
      positive("phase " + k + " length", length);
      long w = Math.round(length * warmupFraction);
      LearningRateSchedule decay = cosine(peak, min, length - w);
      LearningRateSchedule phase = w == 0 ? decay
          : sequence(List.of(new Segment(0, warmup(peak, w)), new Segment(w, decay)));
      segs[k] = new Segment(phaseStarts[k], phase);
    }
    return sequence(List.of(segs));
  }

  /**
   * The infinite schedule: warmup {@code 0 → η_max} over {@code warmupSteps}, cooldown {@code
   * η_max → η_const} over {@code cooldownSteps}, then {@code η_const} for as long as wanted across
   * dataset switches, and — from {@code annealStart} on, if it is {@code >= 0} — an anneal
   * {@code η_const → η_min} over {@code annealSteps}.
   */
  public static LearningRateSchedule infinite(double peak, double constant, double min,
      long warmupSteps, long cooldownSteps, Cooldown cooldown, double alpha, long annealStart,
      long annealSteps, Anneal anneal) {
    if (constant > peak || min > constant) {
      throw new IllegalArgumentException("need min <= constant <= peak, got " + min + ", "
          + constant + ", " + peak);
    }
    long cooldownStart = warmupSteps;
    long stableStart = warmupSteps + cooldownSteps;
    if (annealStart >= 0 && annealStart < stableStart) {
      throw new IllegalArgumentException("annealStart must be >= " + stableStart
          + " (after warmup and cooldown), got " + annealStart);
    }
    java.util.List<Segment> s = new java.util.ArrayList<>();
    if (warmupSteps > 0) {
      s.add(new Segment(0, warmup(peak, warmupSteps)));
    }
    if (cooldownSteps > 0) {
      s.add(new Segment(cooldownStart, cooldown == Cooldown.COSINE
          ? cosine(peak, constant, cooldownSteps)
          : inverseSqrt(peak, constant, cooldownSteps, alpha)));
    }
    if (annealStart != stableStart) {
      s.add(new Segment(stableStart, LearningRateSchedule.constant(constant)));
    }
    if (annealStart >= 0) {
      s.add(new Segment(annealStart, anneal == Anneal.LINEAR
          ? linear(constant, min, annealSteps) : exponential(constant, min, annealSteps)));
    }
    return sequence(s);
  }

  /**
   * Warmup-stable-decay: warmup to {@code peak}, constant until {@code decayStart}, then linear
   * (or cosine) decay to {@code min} over {@code decaySteps}; a warmup of 0 steps is left out.
   */
  public static LearningRateSchedule wsd(double peak, double min, long warmupSteps,
      long decayStart, long decaySteps, boolean cosineDecay) {
    if (decayStart < warmupSteps) {
      throw new IllegalArgumentException("decayStart must be >= warmupSteps (" + warmupSteps
          + "), got " + decayStart);
    }
    java.util.List<Segment> s = new java.util.ArrayList<>();
    if (warmupSteps > 0) {
      s.add(new Segment(0, warmup(peak, warmupSteps)));
    }
    if (decayStart > warmupSteps) {
      s.add(new Segment(warmupSteps, LearningRateSchedule.constant(peak)));
    }
    s.add(new Segment(decayStart, cosineDecay ? cosine(peak, min, decaySteps)
        : linear(peak, min, decaySteps)));
    return sequence(s);
  }

  private static void rate(String name, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
    }
  }

  private static void positive(String name, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
    }
  }
}
