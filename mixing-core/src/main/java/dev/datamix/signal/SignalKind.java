package dev.datamix.signal;

/**
 * A kind of measurement a policy can ask the trainer for.
 *
 * <p>Each kind has a {@link Timing}: measured on the parameters <em>before</em> step {@code t}'s
 * update, taken from step {@code t}'s own training forward pass, or an event the trainer reports.
 */
public enum SignalKind {
  /**
   * Mean per-token loss of each domain on fixed held-out (validation) blocks, forward only.
   * Velocitune and Aioli use it. Observation: {@link Observation.HeldOutLoss}.
   */
  HELD_OUT_LOSS(Timing.BEFORE_STEP),
  /**
   * Mean loss of each domain's blocks in step {@code t}'s training batch (free: no extra pass).
   * ODM and ADO use it. Observation: {@link Observation.TrainingLoss}.
   */
  TRAINING_LOSS(Timing.AFTER_STEP),
  /**
   * The per-block mean loss of every block in step {@code t}'s batch, tagged with its domain and
   * block index. LFR uses it. Observation: {@link BlockLosses}.
   */
  BLOCK_LOSSES(Timing.AFTER_STEP),
  /**
   * The per-block loss of a frozen <em>reference</em> model on every block of step {@code t}'s
   * batch, and each block's mean positive excess {@code max(ℓ − ℓ_ref, 0)} of the trained model
   * over it. Measured on the fly (one extra forward pass of the reference model) or looked up in
   * a precomputed {@link ReferenceLossTable}. DoReMi uses it. Observation: {@link
   * ReferenceLosses}.
   */
  REFERENCE_LOSS(Timing.AFTER_STEP),
  /**
   * Dot products {@code <g_j, g_target>} of a small batch's gradient from each requested probe
   * distribution with the target set's gradient, optionally the probes' full Gram matrix. DGA uses
   * it. Observation: {@link Observation.GradientAlignment}.
   */
  GRADIENT_ALIGNMENT(Timing.BEFORE_STEP),
  /**
   * The trainer tells the policy that the data set changed (continual pre-training), for example
   * when the user starts a new phase by hand. Observation: {@link Observation.PhaseSwitch}.
   */
  PHASE_SWITCH(Timing.EVENT);

  /** When a signal is measured relative to the training step it belongs to. */
  public enum Timing {
    /** On the model parameters before step {@code t}'s update, before the batch is drawn. */
    BEFORE_STEP,
    /** From step {@code t}'s training forward pass, after the batch was drawn. */
    AFTER_STEP,
    /** Whenever it happens; delivered before the step at which it takes effect. */
    EVENT
  }

  private final Timing timing;

  SignalKind(Timing timing) {
    this.timing = timing;
  }

  /** When this signal is measured. */
  public Timing timing() {
    return timing;
  }
}
