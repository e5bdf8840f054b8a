package dev.datamix.djl.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.djl.train.MixingTrainerBuilder;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.mixture.Domain;
import dev.datamix.run.RunDirectory;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import dev.datamix.state.OutputDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the staged fit workflows (Velocitune's, DoReMi's) share: their directory and runs. */
final class Workflows {
  private Workflows() {}

  /**
   * Claims {@code dir} as {@code kind} under {@code mode} and records {@code settings} in {@code
   * workflow.json}; resuming requires the recorded settings to be these, key by key.
   */
  static void claim(OutputDirectory kind, Path dir, ExistingOutput mode, ObjectNode settings)
      throws IOException {
    boolean found = kind.claim(dir, mode);
    Path file = dir.resolve("workflow.json");
    if (found && mode == ExistingOutput.RESUME && Files.exists(file)) {
      JsonNode before = Json.read(file);
      for (var it = settings.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        IncompatibleStateException.check("fit " + dir + " (workflow.json) " + key,
            settings.get(key), before.get(key));
      }
    }
    AtomicFiles.writeString(file, Json.write(settings));
  }

  /** The corpus as settings record it: block length, vocabulary, training domains' tokens. */
  static ObjectNode corpus(Corpus corpus) {
    ObjectNode c = Json.object();
    c.put("blockLength", corpus.blockLength());
    c.put("vocabSize", corpus.manifest().vocabSize());
    ArrayNode ds = c.putArray("domains");
    for (Domain d : corpus.domains(Split.TRAIN)) {
      ds.addObject().put("name", d.name()).put("tokens", d.tokens());
    }
    return c;
  }

  /**
   * A trainer for a stage's own run: resumed where it left a checkpoint (if {@code resumable}),
   * else started anew in the stage's own directory, from {@code startFrom}'s weights if given.
   */
  static MixingTrainerBuilder trainer(Corpus corpus, JsonNode policy, TrainingConfig cfg,
      Path runDir, boolean resumable, Path startFrom) {
    MixingTrainerBuilder b = MixingTrainer.builder().setCorpus(corpus).setPolicy(policy)
        .optConfig(cfg).setRunDirectory(runDir);
    if (resumable && new RunDirectory(runDir).hasCheckpoint()) {
      return b.resume();
    }
    b.overwrite(); // the stage's own run directory, left by an earlier attempt at this stage
    if (startFrom != null) {
      b.optInitialWeights(startFrom);
    }
    return b;
  }

  /** What a run cost: steps, tokens and the wall time its metrics record. */
  static ObjectNode compute(Path runDir) throws IOException {
    double ms = 0;
    long steps = 0;
    long tokens = 0;
    for (ObjectNode line : new RunDirectory(runDir).readMetrics()) {
      ms += line.path("timeMs").path("total").asDouble();
      steps++;
      tokens = Math.max(tokens, line.path("tokens").asLong());
    }
    ObjectNode o = Json.object();
    o.put("steps", steps).put("tokens", tokens).put("wallSeconds", ms / 1000);
    return o;
  }
}
