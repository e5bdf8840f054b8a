package dev.datamix.examples.velocitune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.djl.workflow.VelocituneWorkflow;
import dev.datamix.examples.ExampleArgs;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Velocitune (Luo et al., ACL 2025) with its fitting stage: measure the starting model, train
 * proxy runs to the end of their schedules (the longest on half the budget), fit {@code L(D) = E
 * + B·D^-β} per domain on their final losses and take each domain's target loss at the tokens it
 * will see, then train under Velocitune toward those targets. Every stage's output is a file in the work directory (the same stages as {@code
 * datamix fit --train}). See {@code examples/velocitune/README.md}.
 */
public final class VelocituneWithFit {
  private VelocituneWithFit() {}

  /** Options: {@code --tiny}, {@code --work=DIR}. */
  public static void main(String[] args) throws IOException {
    ExampleArgs a = ExampleArgs.parse("velocitune", args);
    a.freshWorkDirectory();
    // the proxy's first measurement must have seen every domain: the tiny run uses bigger
    // batches and leaves out the 0.1x domain `small`
    TrainingConfig config = a.tiny()
        ? a.trainer(16, "{\"batchSize\": 8, \"trainDomains\": [\"template\", \"arith\", "
            + "\"code\", \"noise\"]}")
        : a.trainer(240, "{\"trainDomains\": [\"template\", \"arith\", \"code\", \"noise\", "
            + "\"small\"]}");
    ObjectNode velocitune = (ObjectNode) Json.parse("{\"updateEvery\": " + a.size(40, 2) + "}");
    Path dir = a.work().resolve("velocitune");
    try (Corpus corpus = Corpus.open(a.demoCorpus())) {
      VelocituneWorkflow w = new VelocituneWorkflow(corpus, dir, config, velocitune,
          /* proxyFraction */ 0.5, /* fitPoints */ a.tiny() ? 4 : 5, /* startFrom */ null, System.out);
      w.runMissing();
      JsonNode fits = Json.read(w.output(VelocituneWorkflow.Stage.FIT));
      JsonNode initial = Json.read(w.output(VelocituneWorkflow.Stage.INITIAL));
      JsonNode result = Json.read(w.output(VelocituneWorkflow.Stage.TRAIN));
      System.out.printf(Locale.ROOT, "%n%-10s %10s %10s %10s %12s%n", "domain", "start",
          "target", "end", "velocity");
      result.get("finalHeldOut").fields().forEachRemaining(e -> {
        String d = e.getKey();
        double start = initial.get(d).asDouble();
        double target = fits.get("targets").get(d).asDouble();
        double end = e.getValue().asDouble();
        // normalised velocity: the share of the attainable gain still left at the end
        System.out.printf(Locale.ROOT, "%-10s %10.4f %10.4f %10.4f %12.3f%n", d, start, target,
            end, (end - target) / (start - target));
      });
      System.out.println("losses in nats/token (validation); velocity = (end - target) / (start"
          + " - target): 0 = target reached (below 0: beyond it), 1 = no progress. Files: " + dir);
    }
  }
}
