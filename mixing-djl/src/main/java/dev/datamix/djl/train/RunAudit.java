package dev.datamix.djl.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.run.Accounting;
import dev.datamix.run.RunDirectory;
import dev.datamix.state.IncompatibleStateException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What a run served against what its policy asked, per domain, as of its latest checkpoint
 * ({@code datamix audit}): read from the checkpoint's sampler state, without loading the model.
 *
 * @param step the checkpoint's step
 * @param tokensSeen tokens trained on
 * @param policy the policy's name
 * @param weightUnit what its weights are shares of
 * @param accounting requested against served, per domain
 */
public record RunAudit(long step, long tokensSeen, String policy, String weightUnit,
    Accounting accounting) {

  /**
   * What run {@code runDir} served against what its policy asked, per domain, as of its latest
   * checkpoint ({@code datamix audit}).
   *
   * @throws IncompatibleStateException if the run has no readable checkpoint, or one written
   *     before requests were counted
   */
  public static RunAudit of(Path runDir) throws IOException {
    RunDirectory run = new RunDirectory(runDir);
    if (!run.hasCheckpoint()) {
      throw new IncompatibleStateException("run " + runDir + " has no checkpoint to audit");
    }
    JsonNode state = Checkpoint.readState(Checkpoint.latest(run.checkpoints()));
    JsonNode sampler = state.path("mixer").path("sampler");
    if (!sampler.has("requestedUnits")) {
      throw new IncompatibleStateException("run " + runDir + " was checkpointed by a datamix "
          + "that did not count requested tokens; its metrics.jsonl weights are all there is");
    }
    TrainingConfig trainer = TrainingConfig.defaults().with(state.path("trainer"));
    return new RunAudit(state.path("step").asLong(), state.path("tokensSeen").asLong(),
        state.path("mixer").path("policy").path("policy").asText(), trainer.weightUnit(),
        Accounting.ofSnapshot(sampler,
            state.path("corpus").path("blockLength").asInt()));
  }
}
