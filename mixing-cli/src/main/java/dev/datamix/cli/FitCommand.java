package dev.datamix.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.djl.workflow.DoReMiWorkflow;
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
 * {@code datamix fit}: the offline stages of a method whose main run needs them. {@code --method
 * velocitune} (Luo et al., ACL 2025): a short proxy run, a scaling-law fit per domain and the
 * target loss each domain can reach in the full run. {@code --method doremi} (Xie et al.,
 * NeurIPS 2023): a reference run, a Group DRO proxy against it, and the proxy's averaged weights
 * as the main run's mix. Without {@code --method}, Velocitune's fit runs, as before, with a
 * notice naming the new form.
 */
@Command(name = "fit", mixinStandardHelpOptions = true,
    description = {"Run a method's offline stages and write the main run's policy spec.",
        "--method velocitune (Luo et al., ACL 2025): measures the starting model",
        "(initial.json), trains --fit-points proxy runs, the longest on a share of the budget,",
        "each to the end of the main schedule compressed to its length, and records their final",
        "held-out losses (proxy.json), fits L(D) = E + B*D^-beta per domain and its target at",
        "the full run's tokens, with the fit's error on the longest proxy (fits.json), and",
        "writes velocitune.json.",
        "--method doremi (Xie et al., NeurIPS 2023): trains a reference model on",
        "--reference-policy (round-1/reference), optionally scores every training block with",
        "it (--precompute: round-1/reference-table), trains a proxy of the same size with Group",
        "DRO against it (round-1/proxy), and writes doremi.json: the proxy's averaged weights as",
        "an explicit policy spec, with each stage's compute. --rounds N iterates DoReMi.",
        "Either spec is for `datamix train --policy FILE`. The trainer settings (--config/--set)",
        "are those of the FULL run (and, for DoReMi, of the reference and proxy). --out must be",
        "new or empty: --resume continues a fit there (skipping finished stages, if its",
        "recorded settings are the same), --overwrite deletes it and starts again."})
public final class FitCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--method", paramLabel = "METHOD", description = "velocitune or doremi "
      + "(without it: velocitune, with a notice)")
  String method;

  @Option(names = "--corpus", required = true, description = "a prepared corpus directory")
  Path corpus;

  @Option(names = "--out", required = true, description = "directory for every stage's output")
  Path out;

  @Mixin
  TrainerSettings settings;

  @Option(names = "--proxy-fraction", description = "velocitune: share of the full run's steps "
      + "the longest proxy trains, in (0, 1] (default 0.2)")
  Double proxyFraction;

  @Option(names = "--fit-points", description = "velocitune: proxy runs (fit points), >= 4; the "
      + "extrapolation check needs 5 (default 5)")
  Integer fitPoints;

  @Option(names = "--policy-config", paramLabel = "JSON", description = "extra keys of the "
      + "method's policy: Velocitune's for the main run, e.g. '{\"updateEvery\": 50}', or "
      + "DoReMi's for the proxy, e.g. '{\"stepSize\": 1}' (see `datamix policies`)")
  String policyConfig = "{}";

  @Option(names = "--reference-policy", paramLabel = "JSON", description = "doremi: the "
      + "reference run's policy spec (default '{\"policy\": \"uniform\"}')")
  String referencePolicy;

  @Option(names = "--precompute", description = "doremi: score every training block with the "
      + "reference once (a table, 4 bytes a block) instead of a forward pass per proxy step")
  boolean precompute;

  @Option(names = "--rounds", description = "doremi: rounds of iterated DoReMi, each "
      + "round's output the next round's reference (default 1)")
  Integer rounds;

  @Option(names = "--start-from", paramLabel = "RUN", description = "a run directory whose "
      + "latest checkpoint holds the starting weights (continual pre-training)")
  Path startFrom;

  @Option(names = "--resume", description = "continue the fit in --out: run the missing stages")
  boolean resume;

  @Option(names = {"--overwrite", "--refit"}, description = "delete the fit in --out and redo "
      + "every stage (--refit is the old name)")
  boolean overwrite;

  @Option(names = "--train", description = "also run the main training (into OUT/train)")
  boolean train;

  @Override
  public Integer call() throws IOException {
    ExistingOutput mode = Datamix.outputMode(spec.commandLine(), resume, overwrite);
    JsonNode extra = Json.parse(policyConfig);
    if (!extra.isObject()) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--policy-config must be a JSON object, got " + policyConfig);
    }
    String m = method == null ? "velocitune" : method;
    if (method == null) {
      System.err.println("note: `datamix fit` without --method runs Velocitune's fit; name it: "
          + "datamix fit --method velocitune ...");
    }
    PrintStream print = System.out;
    TrainingConfig config = settings.trainingConfig();
    try (Corpus c = Corpus.open(corpus)) {
      Path specFile = switch (m) {
        case "velocitune" -> velocitune(c, config, (ObjectNode) extra, mode, print);
        case "doremi" -> doremi(c, config, (ObjectNode) extra, mode, print);
        default -> throw new CommandLine.ParameterException(spec.commandLine(),
            "--method must be velocitune or doremi, got '" + m + "'");
      };
      print.println("policy spec: " + specFile);
      print.println("train with: datamix train --corpus " + corpus + " --policy " + specFile
          + " --run RUN (and the same --config/--set)");
    }
    print.flush();
    return 0;
  }

  private void refuse(String option, Object value, String forMethod) {
    if (value != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + " is an option of "
          + "--method " + forMethod + ", not of the method given");
    }
  }

  private Path velocitune(Corpus c, TrainingConfig config, ObjectNode extra, ExistingOutput mode,
      PrintStream print) throws IOException {
    refuse("--reference-policy", referencePolicy, "doremi");
    refuse("--rounds", rounds, "doremi");
    refuse("--precompute", precompute ? Boolean.TRUE : null, "doremi");
    VelocituneWorkflow w = new VelocituneWorkflow(c, out, config, extra,
        proxyFraction == null ? 0.2 : proxyFraction, fitPoints == null ? 5 : fitPoints,
        startFrom, print);
    w.claim(mode);
    w.runMissing(train ? Stage.TRAIN : Stage.FIT);
    Path specFile = out.resolve("velocitune.json");
    AtomicFiles.writeString(specFile, Json.write(w.velocituneSpec()));
    return specFile;
  }

  private Path doremi(Corpus c, TrainingConfig config, ObjectNode extra, ExistingOutput mode,
      PrintStream print) throws IOException {
    refuse("--proxy-fraction", proxyFraction, "velocitune");
    refuse("--fit-points", fitPoints, "velocitune");
    JsonNode reference = Json.parse(referencePolicy == null ? "{\"policy\": \"uniform\"}"
        : referencePolicy);
    DoReMiWorkflow w = new DoReMiWorkflow(c, out, config, reference, extra, precompute,
        rounds == null ? 1 : rounds, startFrom, print);
    w.claim(mode);
    ObjectNode policy = w.runMissing(train);
    Path specFile = out.resolve("doremi-policy.json");
    AtomicFiles.writeString(specFile, Json.write(policy));
    return specFile;
  }
}
