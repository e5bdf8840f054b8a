package dev.datamix.djl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.run.RunDirectory;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the trainer says for a policy that cannot act, and its final whole-split numbers. */
class NoticesAndFinalEvaluationTest {
  static Corpus corpus;
  @TempDir Path dir;

  @BeforeAll
  static void demoCorpus(@TempDir Path shared) throws IOException {
    DemoCorpus.write(shared.resolve("demo"), 30_000, 32, 3);
    corpus = Corpus.open(shared.resolve("demo"));
  }

  @AfterAll
  static void closeCorpus() {
    corpus.close();
  }

  static TrainingConfig config(String target) {
    ObjectNode o = (ObjectNode) Json.parse("{\"layers\": 1, \"dModel\": 16, \"heads\": 2, "
        + "\"batchSize\": 4, \"steps\": 6, \"warmupSteps\": 1, \"evalBlocksPerDomain\": 2, "
        + "\"evalBatchSize\": 8, \"seed\": 3}");
    o.put("targetDomain", target);
    return TrainingConfig.fromJson(o);
  }

  @Test
  void aPlanThatCannotActIsLoggedInTheFirstMetricsLine() throws IOException {
    Path run = dir.resolve("lfr");
    try (MixingTrainer t = MixingTrainer.builder().setCorpus(corpus).optConfig(config(""))
        .setRunDirectory(run).setPolicy(Json.parse("{\"policy\": \"lfr\"}")).build()) {
      t.train();
    }
    List<ObjectNode> lines = new RunDirectory(run).readMetrics();
    assertEquals(1, lines.get(0).path("notices").size(), lines.get(0).toString());
    assertTrue(lines.get(0).path("notices").get(0).asText().contains("learnEpochs"));
    for (ObjectNode l : lines.subList(1, lines.size())) {
      assertTrue(l.path("notices").isMissingNode(), l.toString());
    }
  }

  @Test
  void dgaWithoutATargetIsRefusedBeforeTraining() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MixingTrainer.builder().setCorpus(corpus).optConfig(config(""))
            .setRunDirectory(dir.resolve("dga")).setPolicy(Json.parse("{\"policy\": \"dga\"}"))
            .build());
    assertTrue(e.getMessage().contains("targetDomain") && e.getMessage().contains("dga"),
        e.getMessage());
  }

  @Test
  void theFullGramMatrixIsWrittenToTheMetrics() throws IOException {
    Path run = dir.resolve("gram");
    try (MixingTrainer t = MixingTrainer.builder().setCorpus(corpus)
        .optConfig(config("target_mix")).setRunDirectory(run)
        .setPolicy(Json.parse("{\"policy\": \"dga\", \"config\": {\"updateEvery\": 3, "
            + "\"fullGram\": true}}")).build()) {
      t.train();
      int k = t.domains().size();
      List<ObjectNode> lines = new RunDirectory(run).readMetrics();
      for (ObjectNode l : lines) {
        boolean probed = l.path("step").asLong() % 3 == 0;
        assertEquals(probed ? k * k : 0, l.path("alignmentGram").size(), l.toString());
        if (probed) {
          // symmetric, and its diagonal is the probes' squared norms: non-negative
          for (int j = 0; j < k; j++) {
            assertTrue(l.get("alignmentGram").get(j * k + j).asDouble() >= 0);
            for (int i = 0; i < k; i++) {
              assertEquals(l.get("alignmentGram").get(j * k + i).asDouble(),
                  l.get("alignmentGram").get(i * k + j).asDouble(), 1e-6);
            }
          }
        }
      }
    }
  }

  @Test
  void finalNumbersUseEveryTestBlockWithABootstrapError() throws IOException {
    try (MixingTrainer t = MixingTrainer.builder().setCorpus(corpus)
        .optConfig(config("target_mix")).setRunDirectory(dir.resolve("u"))
        .setPolicy(Json.parse("{\"policy\": \"uniform\"}")).build()) {
      t.train();
      SplitEvaluation e = t.evaluateWholeSplit(Split.TEST);
      assertEquals(t.domains().size(), e.domains().size());
      double mean = 0;
      for (int d = 0; d < e.domains().size(); d++) {
        SplitEvaluation.Score s = e.domains().get(d);
        int corpusIndex = corpus.domainIndex(s.domain());
        assertEquals(corpus.blocks(corpusIndex, Split.TEST), s.blocks(), s.domain());
        assertTrue(s.blocks() > 2, "more than the curve's sample of 2: " + s.blocks());
        assertEquals(corpus.bitsPerByte(s.nats(), corpusIndex, Split.TEST), s.bpb(), 1e-12);
        assertTrue(s.bpbSe() > 0 && s.bpbSe() < 0.2 * s.bpb(), s.toString());
        mean += s.bpb() / e.domains().size();
      }
      assertEquals(mean, e.meanBpb(), 1e-12);
      assertEquals(corpus.blocks(corpus.domainIndex("target_mix"), Split.TEST),
          e.target().blocks());
      ObjectNode json = e.toJson();
      assertEquals(e.target().bpb(), json.path("targetBpb").asDouble(), 0);
      assertEquals(e.domains().get(0).blocks(),
          json.path("blocks").path(e.domains().get(0).domain()).asLong());
    }
  }
}
