package dev.datamix.djl.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.corpus.Split;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.run.RunDirectory;
import java.util.List;
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
      long previous = 0;
      for (JsonNode p : proxy.get("points")) { // proxies of 4, 8, ..., 20 steps, each completed
        assertEquals(previous + 4, p.get("step").asLong());
        previous = p.get("step").asLong();
      }
      assertEquals(4 + 8 + 12 + 16 + 20, proxy.get("proxySteps").asLong());
      JsonNode fits = Json.read(w.output(VelocituneWorkflow.Stage.FIT));
      for (String d : new String[] {"template", "arith", "noise"}) {
        double target = fits.get("targets").get(d).asDouble();
        assertTrue(target > 0 && target < initial.get(d).asDouble(), d + " target " + target);
      }
      String text = printed.toString(StandardCharsets.UTF_8);
      assertTrue(text.contains("stage fit") && text.contains("target"), text);
      assertTrue(text.contains("extrapolation check"), text);
      for (String d : new String[] {"template", "arith", "noise"}) {
        JsonNode ex = fits.get("extrapolation").get(d);
        assertEquals(proxy.get("points").get(4).get("loss").get(d).asDouble(),
            ex.get("observed").asDouble(), 0.0, "the held-out point is the longest proxy's");
      }
      // the initial losses are the fresh model's own, measured independently here
      try (MixingTrainer fresh = MixingTrainer.builder().setCorpus(corpus).optConfig(cfg)
          .setRunDirectory(dir.resolve("independent"))
          .setPolicy(Json.parse("{\"policy\": \"proportional\"}")).build()) {
        double[] measured = fresh.evaluate(Split.VALIDATION);
        for (int d = 0; d < measured.length; d++) {
          assertEquals(measured[d], initial.get(fresh.domains().get(d).name()).asDouble(), 0.0,
              fresh.domains().get(d).name());
        }
      }
      // the main run used them: it never measured them again (no held-out loss at step 0, the
      // first update is at step 10), and its policy state holds them and the fitted targets
      Path train = dir.resolve("vt").resolve("train");
      List<ObjectNode> lines = new RunDirectory(train).readMetrics();
      assertTrue(lines.get(0).path("heldOut").isMissingNode(), lines.get(0).toString());
      assertTrue(lines.get(10).has("heldOut"), lines.get(10).toString());
      Path checkpoints = new RunDirectory(train).checkpoints();
      JsonNode policy = Json.read(checkpoints.resolve(Files.readString(
          checkpoints.resolve("latest")).strip()).resolve("state.json")).at("/mixer/policy");
      List<String> names = List.of("template", "arith", "noise");
      for (int d = 0; d < names.size(); d++) {
        assertEquals(initial.get(names.get(d)).asDouble(), policy.at("/state/initial/" + d).asDouble(),
            0.0, names.get(d));
      }
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
