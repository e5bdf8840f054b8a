package dev.datamix.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.djl.workflow.VelocituneWorkflow;
import dev.datamix.djl.workflow.VelocituneWorkflow.Stage;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code datamix fit}: Velocitune's fitting stage (Luo et al., ACL 2025) — a short proxy run, a
 * scaling-law fit per domain and the target loss each domain can reach in the full run.
 */
@Command(name = "fit", mixinStandardHelpOptions = true,
    description = {"Fit Velocitune's scaling-law target losses (Luo et al., ACL 2025).",
        "Measures the starting model (initial.json), trains a proxy run on a share of the",
        "budget and measures held-out losses at several token counts (proxy.json), fits",
        "L(D) = E + B*D^-beta per domain and its target at the full run's tokens (fits.json),",
        "and writes velocitune.json, the policy spec for `datamix train --policy FILE`.",
        "The trainer settings (--config/--set) are those of the FULL run. --out must be new",
        "or empty: --resume continues a fit there (skipping finished stages, if its recorded",
        "settings are the same), --overwrite deletes it and starts again."})
public final class FitCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--corpus", required = true, description = "a prepared corpus directory")
  Path corpus;

  @Option(names = "--out", required = true, description = "directory for every stage's output")
  Path out;

  @Mixin
  TrainerSettings settings;

  @Option(names = "--proxy-fraction", defaultValue = "0.2", description = "share of the full "
      + "run's steps the proxy trains, in (0, 1] (default ${DEFAULT-VALUE})")
  double proxyFraction;

  @Option(names = "--fit-points", defaultValue = "8", description = "held-out measurements in "
      + "the proxy run, >= 4 (default ${DEFAULT-VALUE})")
  int fitPoints;

  @Option(names = "--policy-config", paramLabel = "JSON", description = "extra Velocitune keys "
      + "for the main run, e.g. '{\"updateEvery\": 50}' (see `datamix policies`)")
  String policyConfig = "{}";

  @Option(names = "--start-from", paramLabel = "RUN", description = "a run directory whose "
      + "latest checkpoint holds the starting weights (continual pre-training)")
  Path startFrom;

  @Option(names = "--resume", description = "continue the fit in --out: run the missing stages")
  boolean resume;

  @Option(names = {"--overwrite", "--refit"}, description = "delete the fit in --out and redo "
      + "every stage (--refit is the old name)")
  boolean overwrite;

  @Option(names = "--train", description = "also run the main training under Velocitune "
      + "(into OUT/train)")
  boolean train;

  @Override
  public Integer call() throws IOException {
    ExistingOutput mode = Datamix.outputMode(spec.commandLine(), resume, overwrite);
    JsonNode extra = Json.parse(policyConfig);
    if (!extra.isObject()) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--policy-config must be a JSON object, got " + policyConfig);
    }
    PrintStream print = System.out;
    TrainingConfig config = settings.trainingConfig();
    try (Corpus c = Corpus.open(corpus)) {
      VelocituneWorkflow w = new VelocituneWorkflow(c, out, config,
          (ObjectNode) extra, proxyFraction, fitPoints, startFrom, print);
      Stage last = train ? Stage.TRAIN : Stage.FIT;
      w.claim(mode);
      w.runMissing(last);
      Path specFile = out.resolve("velocitune.json");
      AtomicFiles.writeString(specFile, Json.write(w.velocituneSpec()));
      print.println("policy spec: " + specFile);
      print.println("train with: datamix train --corpus " + corpus + " --policy " + specFile
          + " --run RUN (and the same --config/--set)");
    }
    print.flush();
    return 0;
  }
}
