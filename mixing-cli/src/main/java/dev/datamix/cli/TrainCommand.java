package dev.datamix.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.signal.ReferenceLossTable;
import dev.datamix.corpus.Split;
import dev.datamix.djl.train.LossCurve;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.djl.train.MixingTrainerBuilder;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.report.HtmlReport;
import dev.datamix.report.RunData;
import dev.datamix.run.RunDirectory;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import dev.datamix.run.ResumeChange;
import picocli.CommandLine.Option;

/** {@code datamix train}: train the GPT-style model on a corpus under a policy. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train a GPT-style model with DJL (PyTorch) under a mixing policy.",
        "Writes metrics.jsonl and checkpoints into --run, which must be new or empty:",
        "--resume continues the run there exactly (a larger steps works when no step taken",
        "would change), --overwrite deletes it and starts again.",
        "With --eval-every N it also writes curve.jsonl (every domain's validation loss every N",
        "steps) and report.html."})
public final class TrainCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--corpus", required = true, description = "a prepared corpus directory")
  Path corpus;

  @Option(names = "--policy", required = true, description = "a policy name, or a JSON file "
      + "{\"policy\": name, \"config\": {...}} (see `datamix policies`)")
  String policy;

  @Mixin
  TrainerSettings settings;

  @Option(names = "--run", required = true, description = "run directory (metrics, checkpoints)")
  Path run;

  @Option(names = "--resume", description = "continue from the run directory's last checkpoint;"
      + " --set steps=N with a larger N trains longer where the schedule and policy allow it")
  boolean resume;

  @Option(names = "--overwrite", description = "delete the run found in --run and start again")
  boolean overwrite;

  @Option(names = "--allow-corpus-growth", description = "with --resume: the corpus may have "
      + "gained data or domains since the checkpoint (none lost any); blocks already served stay "
      + "served, and a grown domain's epoch in progress serves its new blocks before it ends")
  boolean allowCorpusGrowth;

  @Option(names = "--allow-policy-change", description = "with --resume: the policy spec, "
      + "maxEpochs or weightUnit may differ from the checkpoint's; the policy restarts from "
      + "its config at the checkpoint's step, the sampler keeps its counters")
  boolean allowPolicyChange;

  @Option(names = "--init-from", paramLabel = "RUN", description = "start from the model "
      + "weights of another run's latest checkpoint (fresh optimizer, schedule and policy)")
  Path initFrom;

  @Option(names = "--eval-every", paramLabel = "N", description = "measure every domain's "
      + "validation loss every N steps into curve.jsonl, checkpoint then, and write report.html")
  long evalEvery;

  @Option(names = "--reference-run", paramLabel = "RUN", description = "a frozen reference "
      + "model, RUN's latest checkpoint, for a policy that measures excess loss over one "
      + "(doremi): one extra forward pass per step")
  Path referenceRun;

  @Option(names = "--reference-table", paramLabel = "DIR", description = "the reference "
      + "model's per-block losses, precomputed (datamix fit --method doremi --precompute)")
  Path referenceTable;

  @Option(names = "--quiet", description = "no progress line")
  boolean quiet;

  @Override
  public Integer call() throws IOException {
    if (evalEvery < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--eval-every must be > 0, got " + evalEvery);
    }
    if ((allowCorpusGrowth || allowPolicyChange) && !resume) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--allow-corpus-growth and --allow-policy-change go with --resume");
    }
    if (resume && (overwrite || initFrom != null)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--resume continues a run; it cannot be combined with "
              + (overwrite ? "--overwrite" : "--init-from"));
    }
    JsonNode policySpec = Files.isRegularFile(Path.of(policy)) ? Json.read(Path.of(policy))
        : Json.parse("{\"policy\": " + Json.mapper().writeValueAsString(policy) + "}");
    TrainingConfig config = settings.trainingConfig();
    try (Corpus c = Corpus.open(corpus)) {
      MixingTrainerBuilder b = MixingTrainer.builder().setCorpus(c).setPolicy(policySpec)
          .optConfig(config).setRunDirectory(run);
      if (!quiet) {
        b.optProgress(System.err);
      }
      if (resume) {
        b.resume();
        java.util.Set<ResumeChange> changes = java.util.EnumSet.noneOf(ResumeChange.class);
        if (allowCorpusGrowth) {
          changes.add(ResumeChange.CORPUS_GROWN);
        }
        if (allowPolicyChange) {
          changes.add(ResumeChange.POLICY_CHANGED);
        }
        b.optResumeChanges(changes);
      } else if (overwrite) {
        b.overwrite();
      }
      if (initFrom != null) {
        b.optInitialWeights(initFrom);
      }
      if (referenceRun != null) {
        b.optReferenceModel(referenceRun);
      }
      if (referenceTable != null) {
        b.optReferenceTable(referenceTable, ReferenceLossTable.Storage.MAPPED);
      }
      try (MixingTrainer t = b.build()) {
        double[] loss;
        if (evalEvery > 0) {
          List<JsonNode> curve = new LossCurve(t, Split.VALIDATION, evalEvery, run)
              .run(quiet ? null : System.err, run.toString());
          // the curve's last point is the final validation loss: no second evaluation
          JsonNode last = curve.get(curve.size() - 1).get("nats");
          loss = t.domains().stream().mapToDouble(d -> last.get(d.name()).asDouble()).toArray();
        } else {
          t.train();
          loss = t.evaluate(Split.VALIDATION);
        }
        printTable(t, loss);
      }
    }
    if (evalEvery > 0) {
      Path html = run.resolve("report.html");
      HtmlReport.write(List.of(RunData.read(run)), "datamix run " + run, html);
      spec.commandLine().getOut().println("report: " + html);
    }
    spec.commandLine().getOut().flush();
    return 0;
  }

  private void printTable(MixingTrainer t, double[] loss) {
    var out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "trained %d steps (%,d tokens); held-out loss per domain:%n",
        t.step(), t.tokensSeen());
    for (int d = 0; d < loss.length; d++) {
      double bpb = t.bitsPerByte(loss[d], d, Split.VALIDATION);
      out.printf(Locale.ROOT, "  %-16s %.4f nats/token  %s%n", t.domains().get(d).name(),
          loss[d], Double.isNaN(bpb) ? "bits/byte unknown (the corpus records no text bytes)"
              : String.format(Locale.ROOT, "%.4f bits/byte", bpb));
    }
    out.println("metrics: " + new RunDirectory(run).metrics());
  }
}
