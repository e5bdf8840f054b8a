package dev.datamix.cli;

import dev.datamix.djl.train.RunAudit;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code datamix audit RUN}: what a run served against what its policy asked. */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Print, per domain, the share of tokens the policy's mixtures requested so far",
        "(in expectation, before an exhausted domain's weight went to the others) against the",
        "share actually served, the tokens served, the epochs so far (blocks served over the",
        "domain's blocks) and the repetition cap (maxEpochs), as of the run's latest checkpoint.",
        "Shares are of tokens; a mix given in documents (weightUnit documents) was converted by",
        "mean document length before it was drawn."})
public final class AuditCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "RUN", description = "a run directory")
  Path run;

  @Override
  public Integer call() throws IOException {
    RunAudit a = RunAudit.of(run);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "run %s: policy %s, step %,d, %,d tokens trained on; weights are "
        + "shares of %s%n", run, a.policy(), a.step(), a.tokensSeen(), a.weightUnit());
    a.accounting().table().forEach(out::println);
    out.flush();
    return 0;
  }
}
