package dev.datamix.signal;

import dev.datamix.mixture.Mixture;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The signals a policy needs at one training step. Immutable.
 *
 * <p>A policy answers one of these per step from {@code MixingPolicy.signalsFor(step)}; how often a
 * signal appears across steps is how often the trainer must measure it. A gradient-alignment
 * request carries its <em>probe distributions</em>: one mixture per gradient to take (a one-hot
 * mixture per domain for plain DGA, or the basis distributions of DGA's distribution reweighting).
 */
public final class SignalRequest {
  private static final SignalRequest NONE =
      new SignalRequest(EnumSet.noneOf(SignalKind.class), List.of(), false);

  private final Set<SignalKind> kinds;
  private final List<Mixture> alignmentProbes;
  private final boolean alignmentGram;

  private SignalRequest(EnumSet<SignalKind> kinds, List<Mixture> probes, boolean gram) {
    this.kinds = Collections.unmodifiableSet(EnumSet.copyOf(kinds));
    this.alignmentProbes = List.copyOf(probes);
    this.alignmentGram = gram;
  }

  /** The request for nothing. */
  public static SignalRequest none() {
    return NONE;
  }

  /** A request for the given kinds; use {@link #builder()} for gradient alignment. */
  public static SignalRequest of(SignalKind... kinds) {
    Builder b = builder();
    for (SignalKind k : kinds) {
      if (k == SignalKind.GRADIENT_ALIGNMENT) {
        throw new IllegalArgumentException(
            "kinds must not contain GRADIENT_ALIGNMENT: it needs probes, use builder().alignment");
      }
      b.kinds.add(k);
    }
    return b.build();
  }

  /** A builder for requests. */
  public static Builder builder() {
    return new Builder();
  }

  /** The kinds requested. */
  public Set<SignalKind> kinds() {
    return kinds;
  }

  /** Whether {@code kind} is requested. */
  public boolean contains(SignalKind kind) {
    return kinds.contains(kind);
  }

  /** Whether nothing is requested. */
  public boolean isEmpty() {
    return kinds.isEmpty();
  }

  /** Whether any requested signal is measured before the step's update. */
  public boolean needsPreStepMeasurement() {
    return kinds.stream().anyMatch(k -> k.timing() == SignalKind.Timing.BEFORE_STEP);
  }

  /** Probe distributions for {@link SignalKind#GRADIENT_ALIGNMENT}; empty if not requested. */
  public List<Mixture> alignmentProbes() {
    return alignmentProbes;
  }

  /** Whether the full Gram matrix of the probe gradients is wanted besides the target dots. */
  public boolean alignmentGram() {
    return alignmentGram;
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof SignalRequest r && kinds.equals(r.kinds)
            && alignmentProbes.equals(r.alignmentProbes) && alignmentGram == r.alignmentGram);
  }

  @Override
  public int hashCode() {
    return kinds.hashCode() * 31 + alignmentProbes.hashCode() + (alignmentGram ? 1 : 0);
  }

  @Override
  public String toString() {
    return "SignalRequest" + kinds
        + (alignmentProbes.isEmpty() ? "" : " probes=" + alignmentProbes.size()
            + (alignmentGram ? " +gram" : ""));
  }

  /** Builds a {@link SignalRequest}. */
  public static final class Builder {
    private final EnumSet<SignalKind> kinds = EnumSet.noneOf(SignalKind.class);
    private List<Mixture> probes = List.of();
    private boolean gram;

    private Builder() {}

    /** Requests {@link SignalKind#HELD_OUT_LOSS}. */
    public Builder heldOutLoss() {
      kinds.add(SignalKind.HELD_OUT_LOSS);
      return this;
    }

    /** Requests {@link SignalKind#TRAINING_LOSS}. */
    public Builder trainingLoss() {
      kinds.add(SignalKind.TRAINING_LOSS);
      return this;
    }

    /** Requests {@link SignalKind#BLOCK_LOSSES}. */
    public Builder blockLosses() {
      kinds.add(SignalKind.BLOCK_LOSSES);
      return this;
    }

    /** Requests {@link SignalKind#REFERENCE_LOSS}. */
    public Builder referenceLosses() {
      kinds.add(SignalKind.REFERENCE_LOSS);
      return this;
    }

    /** Subscribes to {@link SignalKind#PHASE_SWITCH} events. */
    public Builder phaseSwitches() {
      kinds.add(SignalKind.PHASE_SWITCH);
      return this;
    }

    /**
     * Requests {@link SignalKind#GRADIENT_ALIGNMENT} against the target set for each probe.
     *
     * @param probes one distribution per gradient, non-empty, all over the same domains
     * @param fullGram whether to also measure every probe-probe dot product
     */
    public Builder alignment(List<Mixture> probes, boolean fullGram) {
      if (probes == null || probes.isEmpty()) {
        throw new IllegalArgumentException("alignment probes must not be empty, got " + probes);
      }
      List<String> names = probes.get(0).names();
      for (Mixture p : probes) {
        if (!p.names().equals(names)) {
          throw new IllegalArgumentException(
              "alignment probes must share domains: " + names + " vs " + p.names());
        }
      }
      kinds.add(SignalKind.GRADIENT_ALIGNMENT);
      this.probes = List.copyOf(probes);
      this.gram = fullGram;
      return this;
    }

    /** Adds everything {@code other} requests (its probes replace any set here). */
    public Builder addAll(SignalRequest other) {
      kinds.addAll(other.kinds);
      if (other.contains(SignalKind.GRADIENT_ALIGNMENT)) {
        probes = other.alignmentProbes;
        gram = other.alignmentGram;
      }
      return this;
    }

    /** The request. */
    public SignalRequest build() {
      return kinds.isEmpty() ? NONE : new SignalRequest(kinds, probes, gram);
    }
  }
}
