package dev.datamix.djl.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.state.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VelocituneWorkflowTest {
  @TempDir Path dir;

  @Test
  void everyStageWritesItsOutputAndAStageCanBeRerunAlone() throws IOException {
    DemoCorpus.write(dir.resolve("c"), 30_000, 16, 1);
    TrainingConfig cfg = TrainingConfig.fromJson(Json.parse("{\"layers\": 1, \"dModel\": 16, "
        + "\"heads\": 2, \"batchSize\": 8, \"steps\": 40, \"warmupSteps\": 2, \"peakLr\": 0.005,"
        + " \"evalBlocksPerDomain\": 4, \"trainDomains\": [\"template\", \"arith\", \"noise\"]}"));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (Corpus corpus = Corpus.open(dir.resolve("c"))) {
      VelocituneWorkflow w = new VelocituneWorkflow(corpus, dir.resolve("vt"), cfg,
          (ObjectNode) Json.parse("{\"updateEvery\": 10}"), 0.5, 5, null,
          new PrintStream(printed, true, StandardCharsets.UTF_8));
      w.runMissing();
      for (VelocituneWorkflow.Stage s : VelocituneWorkflow.Stage.values()) {
        assertTrue(Files.exists(w.output(s)), s.toString());
      }
      JsonNode initial = Json.read(w.output(VelocituneWorkflow.Stage.INITIAL));
      assertTrue(initial.get("arith").asDouble() > 5, "a fresh model is near ln 257");
      JsonNode proxy = Json.read(w.output(VelocituneWorkflow.Stage.PROXY));
      assertEquals(5, proxy.get("points").size());
      JsonNode fits = Json.read(w.output(VelocituneWorkflow.Stage.FIT));
      for (String d : new String[] {"template", "arith", "noise"}) {
        double target = fits.get("targets").get(d).asDouble();
        assertTrue(target > 0 && target < initial.get(d).asDouble(), d + " target " + target);
      }
      String text = printed.toString(StandardCharsets.UTF_8);
      assertTrue(text.contains("stage fit") && text.contains("target"), text);
      // the main run used the fitted targets and the measured initial losses
      JsonNode result = Json.read(w.output(VelocituneWorkflow.Stage.TRAIN));
      assertEquals(fits.get("targets"), result.get("policy").get("config").get("targetLosses"));
      // re-running one stage alone replaces only its output
      long before = Files.getLastModifiedTime(w.output(VelocituneWorkflow.Stage.PROXY))
          .toMillis();
      w.run(VelocituneWorkflow.Stage.FIT);
      assertEquals(before, Files.getLastModifiedTime(w.output(VelocituneWorkflow.Stage.PROXY))
          .toMillis());
      assertEquals(fits.get("targets"),
          Json.read(w.output(VelocituneWorkflow.Stage.FIT)).get("targets"));
    }
  }
}
