package dev.datamix.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code datamix train}: train the GPT-style model on a corpus under a policy. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train a GPT-style model with DJL (PyTorch) under a mixing policy.",
        "Writes metrics.jsonl and checkpoints into --run; --resume continues exactly."})
public final class TrainCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--corpus", required = true, description = "a prepared corpus directory")
  Path corpus;

  @Option(names = "--policy", required = true, description = "a policy name, or a JSON file "
      + "{\"policy\": name, \"config\": {...}} (see `datamix policies`)")
  String policy;

  @Option(names = "--config", description = "trainer settings: a JSON file of TrainingConfig "
      + "keys (docs/trainer.md)")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=JSON", description = "override one trainer key, "
      + "for example --set steps=200 --set device=\"cpu\"; repeatable")
  java.util.List<String> overrides = new java.util.ArrayList<>();

  @Option(names = "--run", required = true, description = "run directory (metrics, checkpoints)")
  Path run;

  @Option(names = "--resume", description = "continue from the run directory's last checkpoint")
  boolean resume;

  @Option(names = "--quiet", description = "no progress line")
  boolean quiet;

  @Override
  public Integer call() throws IOException {
    JsonNode policySpec = Files.isRegularFile(Path.of(policy)) ? Json.read(Path.of(policy))
        : Json.parse("{\"policy\": " + Json.mapper().writeValueAsString(policy) + "}");
    ObjectNode cfg = config == null ? Json.object() : (ObjectNode) Json.read(config);
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--set must be KEY=JSON, got '" + o + "'");
      }
      String value = o.substring(eq + 1);
      JsonNode v;
      try {
        v = Json.parse(value);
      } catch (IllegalArgumentException e) {
        v = Json.mapper().valueToTree(value);
      }
      cfg.set(o.substring(0, eq), v);
    }
    try (Corpus c = Corpus.open(corpus)) {
      MixingTrainer.Builder b = MixingTrainer.builder().setCorpus(c).setPolicy(policySpec)
          .optConfig(TrainingConfig.fromJson(cfg)).setRunDirectory(run);
      if (!quiet) {
        b.optProgress(System.err);
      }
      if (resume) {
        b.resume();
      }
      try (MixingTrainer t = b.build()) {
        t.train();
        double[] loss = t.evaluate(Split.VALIDATION);
        printTable(t, loss);
      }
    }
    return 0;
  }

  private void printTable(MixingTrainer t, double[] loss) {
    var out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "trained %d steps (%,d tokens); held-out loss per domain:%n",
        t.step(), t.tokensSeen());
    for (int d = 0; d < loss.length; d++) {
      out.printf(Locale.ROOT, "  %-16s %.4f nats/token  %.4f bits/byte%n",
          t.domains().get(d).name(), loss[d], t.bitsPerByte(loss[d], d, Split.VALIDATION));
    }
    out.println("metrics: " + run.resolve("metrics.jsonl"));
    out.flush();
  }
}
