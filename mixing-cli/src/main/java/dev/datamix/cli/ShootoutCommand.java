package dev.datamix.cli;

import dev.datamix.shootout.Shootout;
import dev.datamix.shootout.ShootoutReport;
import dev.datamix.shootout.ShootoutSpec;
import dev.datamix.report.HtmlReport;
import dev.datamix.report.RunData;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code datamix shootout}: policies × seeds at a fixed token budget, with a report. */
@Command(name = "shootout", mixinStandardHelpOptions = true,
    description = {"Compare policies at a fixed token budget: every policy of the spec trains",
        "the same model with every seed; writes runs/, report.md (bits per byte per domain,",
        "tokens to reach the best static mix, overhead per step), plots/ and report.html.",
        "--out must be new or empty: --resume continues a shoot-out there with the same spec",
        "(finished runs are kept, an interrupted one resumes), --overwrite starts again.",
        "Spec keys (docs/shootout.md): corpus (\"demo\" or a directory), demoBytes,",
        "demoBlockLength, trainer (TrainingConfig keys), policies [{label, policy}], seeds,",
        "evalEvery, reference, startFrom."})
public final class ShootoutCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", required = true, description = "the output directory")
  Path out;

  @Option(names = "--spec", paramLabel = "FILE", description = "a JSON spec; absent keys take "
      + "the standard spec's values (3 static mixes × 3 seeds on the demo corpus)")
  Path specFile;

  @Option(names = "--quick", description = "the small smoke-test spec (a few minutes on CPU)")
  boolean quick;

  @Option(names = "--corpus", description = "a prepared corpus directory instead of the spec's")
  String corpus;

  @Option(names = "--report-only", description = "only rewrite the reports from finished runs")
  boolean reportOnly;

  @Option(names = "--resume", description = "continue the shoot-out in --out (same spec)")
  boolean resume;

  @Option(names = "--overwrite", description = "delete the shoot-out in --out and start again")
  boolean overwrite;

  @Override
  public Integer call() throws IOException {
    ShootoutSpec s = quick ? ShootoutSpec.quick() : ShootoutSpec.standard();
    if (specFile != null) {
      s = ShootoutSpec.fromJson(Json.read(specFile), s);
    }
    if (corpus != null) {
      s = s.withCorpus(corpus);
    }
    ExistingOutput mode = Datamix.outputMode(spec.commandLine(), resume, overwrite);
    if (!reportOnly) {
      new Shootout(s, out, System.err).command("datamix " + String.join(" ",
          spec.commandLine().getParseResult().originalArgs())).run(mode);
    }
    ShootoutReport.write(out);
    HtmlReport.write(RunData.readAll(out), "datamix shoot-out " + out, out.resolve("report.html"));
    var o = spec.commandLine().getOut();
    o.println("wrote " + out.resolve("report.md") + " and " + out.resolve("report.html"));
    o.flush();
    return 0;
  }
}
