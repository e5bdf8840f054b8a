package dev.datamix.djl.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.state.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A training process for the kill-and-resume suite: {@code TrainProcess CORPUS RUN POLICY_JSON
 * TRAINER_JSON new|resume [HALT_AT_STEP]}. With {@code HALT_AT_STEP}, the process halts (exit
 * 137, no shutdown hooks, as a SIGKILL would) when the checkpoint of that step has been written
 * in full but not yet renamed into place.
 */
public final class TrainProcess {
  private TrainProcess() {}

  /** Runs one training process. */
  public static void main(String[] args) throws IOException {
    JsonNode policy = Json.parse(args[2]);
    TrainingConfig config = TrainingConfig.fromJson(Json.parse(args[3]));
    boolean resume = args[4].equals("resume");
    String haltAt = args.length > 5 ? String.format("step-%09d", Long.parseLong(args[5])) : null;
    CheckpointIo disk = CheckpointIo.fileSystem();
    CheckpointIo io = new CheckpointIo() {
      @Override
      public OutputStream create(Path file) throws IOException {
        return disk.create(file);
      }

      @Override
      public void rename(Path from, Path to) throws IOException {
        if (to.getFileName().toString().equals(haltAt)) {
          Runtime.getRuntime().halt(137);
        }
        disk.rename(from, to);
      }
    };
    try (Corpus corpus = Corpus.open(Path.of(args[0]))) {
      MixingTrainerBuilder b = MixingTrainer.builder().setCorpus(corpus)
          .setRunDirectory(Path.of(args[1])).setPolicy(policy).optConfig(config)
          .optCheckpointIo(io);
      try (MixingTrainer t = (resume ? b.resume() : b).build()) {
        t.train();
      }
    }
  }
}
