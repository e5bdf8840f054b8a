package dev.datamix.djl.train;

/**
 * Divergence handling: a non-finite loss skips the update and is logged, and more than {@code
 * maxNonFiniteInARow} of them in a row stop the run with an error naming the settings to change.
 * The count is part of the run's state, saved in checkpoints.
 */
final class DivergenceGuard {
  private final TrainingConfig config;
  private int inARow;

  DivergenceGuard(TrainingConfig config) {
    this.config = config;
  }

  /** Non-finite losses in a row up to now. */
  int inARow() {
    return inARow;
  }

  /** Restores the count from a checkpoint. */
  void restore(int count) {
    inARow = count;
  }

  /** Records step {@code step}'s outcome; a non-finite loss is logged. */
  void record(long step, double loss, boolean finite) {
    if (finite) {
      inARow = 0;
      return;
    }
    inARow++;
    MixingTrainer.warn("step " + step + ": non-finite loss " + loss + "; update skipped ("
        + inARow + " in a row)");
  }

  /**
   * Stops the run after step {@code step} when there were too many non-finite losses in a row.
   *
   * @throws TrainingDivergedException naming the count, the step and the settings to change
   */
  void stopIfDiverged(long step) {
    if (inARow > config.maxNonFiniteInARow()) {
      throw new TrainingDivergedException(inARow + " non-finite losses in a row (last at step "
          + step + ", maxNonFiniteInARow " + config.maxNonFiniteInARow() + "); lower peakLr ("
          + config.peakLr() + ") or set gradClip");
    }
  }
}
