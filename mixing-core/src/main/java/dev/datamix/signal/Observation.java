package dev.datamix.signal;

/**
 * A measurement the trainer sends back to a policy, answering a {@link SignalRequest}.
 *
 * <p>Per-domain vectors are in the policy's domain order. {@code NaN} marks a domain that was not
 * measured (for example a domain absent from the batch); a trainer never sends a value it did not
 * measure, and a non-finite loss it measured is dropped (sent as {@code NaN}), not passed on.
 */
public sealed interface Observation
    permits Observation.HeldOutLoss,
        Observation.TrainingLoss,
        BlockLosses,
        ReferenceLosses,
        Observation.GradientAlignment,
        Observation.PhaseSwitch {

  /** The training step this observation belongs to, {@code >= 0}. */
  long step();

  /** The kind of signal this observation carries. */
  SignalKind kind();

  /**
   * Per-domain held-out loss measured on the parameters before step {@code step}'s update.
   *
   * @param step training step
   * @param loss mean per-token cross-entropy (nats) per domain; {@code NaN} if not measured
   */
  record HeldOutLoss(long step, DoubleVector loss) implements Observation {
    /** Validates the step and the losses. */
    public HeldOutLoss {
      checkStep(step);
      checkLosses("loss", loss);
    }

    @Override
    public SignalKind kind() {
      return SignalKind.HELD_OUT_LOSS;
    }
  }

  /**
   * Per-domain mean training loss over the blocks of step {@code step}'s batch.
   *
   * @param step training step
   * @param loss mean per-token cross-entropy (nats) per domain; {@code NaN} where no block of the
   *     domain was in the batch
   * @param blocks number of the batch's blocks per domain
   */
  record TrainingLoss(long step, DoubleVector loss, DoubleVector blocks) implements Observation {
    /** Validates the step, the losses and the counts. */
    public TrainingLoss {
      checkStep(step);
      checkLosses("loss", loss);
      if (blocks.size() != loss.size()) {
        throw new IllegalArgumentException(
            "blocks length must equal loss length (" + loss.size() + "), got " + blocks.size());
      }
      for (int i = 0; i < blocks.size(); i++) {
        if (!(blocks.get(i) >= 0)) {
          throw new IllegalArgumentException(
              "blocks[" + i + "] must be >= 0, got " + blocks.get(i));
        }
      }
    }

    @Override
    public SignalKind kind() {
      return SignalKind.TRAINING_LOSS;
    }
  }

  /**
   * Alignment of probe gradients with the target set's gradient, measured before step
   * {@code step}'s update.
   *
   * @param step training step
   * @param scores {@code <g_j, g_target>} per requested probe, in request order
   * @param probeNorms {@code ||g_j||} per probe
   * @param targetNorm {@code ||g_target||}
   * @param gram row-major {@code m×m} matrix of {@code <g_j, g_k>} if the full Gram matrix was
   *     requested, otherwise empty
   */
  record GradientAlignment(
      long step, DoubleVector scores, DoubleVector probeNorms, double targetNorm, DoubleVector gram)
      implements Observation {
    /** Validates shapes and finiteness. */
    public GradientAlignment {
      checkStep(step);
      int m = scores.size();
      if (probeNorms.size() != m) {
        throw new IllegalArgumentException(
            "probeNorms length must equal scores length (" + m + "), got " + probeNorms.size());
      }
      if (gram.size() != 0 && gram.size() != m * m) {
        throw new IllegalArgumentException(
            "gram must be empty or " + m + "x" + m + ", got " + gram.size() + " entries");
      }
      for (int i = 0; i < m; i++) {
        if (!Double.isFinite(scores.get(i))) {
          throw new IllegalArgumentException("scores[" + i + "] must be finite, got "
              + scores.get(i));
        }
        if (!(probeNorms.get(i) >= 0) || Double.isInfinite(probeNorms.get(i))) {
          throw new IllegalArgumentException(
              "probeNorms[" + i + "] must be finite and >= 0, got " + probeNorms.get(i));
        }
      }
      if (!(targetNorm >= 0) || Double.isInfinite(targetNorm)) {
        throw new IllegalArgumentException("targetNorm must be finite and >= 0, got " + targetNorm);
      }
    }

    @Override
    public SignalKind kind() {
      return SignalKind.GRADIENT_ALIGNMENT;
    }
  }

  /**
   * The data set changed: from step {@code step} on, training is in phase {@code phase}.
   *
   * @param step first step of the new phase
   * @param phase name of the new phase
   */
  record PhaseSwitch(long step, String phase) implements Observation {
    /** Validates the step and the name. */
    public PhaseSwitch {
      checkStep(step);
      if (phase == null || phase.isBlank()) {
        throw new IllegalArgumentException("phase must be non-blank, got '" + phase + "'");
      }
    }

    @Override
    public SignalKind kind() {
      return SignalKind.PHASE_SWITCH;
    }
  }

  /** Throws unless {@code step >= 0}. */
  static void checkStep(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
  }

  /** Throws unless every entry is {@code NaN} (missing) or finite and {@code >= 0}. */
  static void checkLosses(String parameter, DoubleVector loss) {
    for (int i = 0; i < loss.size(); i++) {
      double v = loss.get(i);
      if (!Double.isNaN(v) && !(v >= 0 && v < Double.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException(
            parameter + "[" + i + "] must be NaN (not measured) or finite and >= 0, got " + v);
      }
    }
  }
}
