package dev.datamix.djl.train;

import ai.djl.engine.EngineException;
import java.util.Locale;

/** Turns an engine failure into an error that names the setting to change. */
final class EngineFailures {
  private EngineFailures() {}

  /**
   * An out-of-memory error from the engine as an {@link IllegalStateException} naming the batch
   * sizes to lower; any other failure as it is.
   */
  static RuntimeException of(EngineException e, long step, TrainingConfig config, int devices) {
    String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    if (msg.contains("out of memory") || msg.contains("can't allocate")
        || msg.contains("cannot allocate")) {
      return new IllegalStateException("out of memory at step " + step + " with batchSize "
          + config.batchSize() + " on " + devices + " device(s): lower batchSize (or "
          + "evalBatchSize " + config.evalBatchSize() + ", probeBatchSize "
          + config.probeBatchSize() + ")", e);
    }
    return e;
  }
}
