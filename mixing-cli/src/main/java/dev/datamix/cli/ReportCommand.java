package dev.datamix.cli;

import dev.datamix.report.HtmlReport;
import dev.datamix.report.RunData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code datamix report}: a self-contained HTML page from one or several runs' JSONL. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write a self-contained HTML report (inline SVG charts: mixture weights,",
        "per-domain losses, training loss, learning rate; a summary table) from runs' files.",
        "Runs named <label>-s<seed> are also compared as policies over seeds: paired 95%",
        "intervals against uniform (stratified), mean ± sd bands, stacked mean weights,",
        "requested against achieved token shares. Each PATH is a run directory (with",
        "metrics.jsonl), a shoot-out directory (runs/*), or a directory of run directories."})
public final class ReportCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "runs to report on")
  List<Path> paths;

  @Option(names = "--out", description = "the HTML file (default: report.html in the first "
      + "PATH)")
  Path out;

  @Option(names = "--title", description = "the page title (default: datamix report)")
  String title = "datamix report";

  @Override
  public Integer call() throws IOException {
    List<RunData> runs = new ArrayList<>();
    for (Path p : paths) {
      runs.addAll(RunData.readAll(p));
    }
    Path html = out != null ? out : paths.get(0).resolve("report.html");
    HtmlReport.write(runs, title, html);
    spec.commandLine().getOut().println("wrote " + html + " (" + runs.size() + " run"
        + (runs.size() == 1 ? "" : "s") + ")");
    spec.commandLine().getOut().flush();
    return 0;
  }
}
