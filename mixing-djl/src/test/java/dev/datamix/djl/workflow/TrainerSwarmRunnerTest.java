package dev.datamix.djl.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.mixlaw.Swarm;
import dev.datamix.mixlaw.SwarmOptions;
import dev.datamix.mixlaw.SwarmPlan;
import dev.datamix.mixlaw.SwarmTable;
import dev.datamix.run.RunDirectory;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerSwarmRunnerTest {
  @TempDir Path dir;

  static final String SMALL = "{\"layers\": 1, \"dModel\": 16, \"heads\": 2, \"batchSize\": 8, "
      + "\"steps\": 20, \"warmupSteps\": 2, \"peakLr\": 0.005, \"evalBlocksPerDomain\": 4, "
      + "\"checkpointEvery\": 10, \"trainDomains\": [\"template\", \"arith\", \"noise\"]}";

  static Swarm swarm(TrainerSwarmRunner runner, Path out) {
    SwarmPlan plan = SwarmPlan.sample(runner.domains(), SwarmOptions.regmix(3,
        runner.tokensPerRun(), 4));
    return new Swarm(plan, runner.settings(), out);
  }

  /**
   * A swarm killed inside its second run (only that run's step-10 checkpoint survives) resumes:
   * the first run is skipped, the second continues from its checkpoint, and the tables equal an
   * uninterrupted swarm's bit for bit.
   */
  @Test
  void aSwarmInterruptedMidRunFinishesWithIdenticalResults() throws IOException {
    DemoCorpus.write(dir.resolve("c"), 30_000, 16, 1);
    TrainingConfig cfg = TrainingConfig.fromJson(Json.parse(SMALL));
    try (Corpus corpus = Corpus.open(dir.resolve("c"))) {
      TrainerSwarmRunner runner = new TrainerSwarmRunner(corpus, cfg);
      Swarm whole = swarm(runner, dir.resolve("whole"));
      whole.claim(ExistingOutput.REFUSE);
      SwarmTable expected = whole.runMissing(runner, null);
      assertEquals(List.of("template_bpb", "arith_bpb", "noise_bpb", "mean_bpb"),
          expected.metricNames());
      assertEquals(3, expected.runs().size());
      for (SwarmTable.Row r : expected.runs()) {
        assertTrue(r.metrics()[3] > 0 && r.metrics()[3] < 9, r.toString());
      }

      Swarm cut = swarm(runner, dir.resolve("cut"));
      cut.claim(ExistingOutput.REFUSE);
      SwarmPlan plan = Swarm.readPlan(dir.resolve("cut"));
      SwarmPlan.Run first = plan.runs().get(0);
      SwarmPlan.Run second = plan.runs().get(1);
      // the first run finished; the process died in the second after its step-10 checkpoint
      Files.createDirectories(cut.runDirectory(first));
      Files.writeString(cut.runDirectory(first).resolve(Swarm.RUN_METRICS), Files.readString(
          whole.runDirectory(first).resolve(Swarm.RUN_METRICS)));
      try (MixingTrainer t = Workflows.trainer(corpus, second.policySpec(), cfg,
          cut.runDirectory(second), true, null).build()) {
        t.trainUntil(15);
      }
      RunDirectory partial = new RunDirectory(cut.runDirectory(second));
      assertTrue(partial.hasCheckpoint(), "the step-10 checkpoint");
      assertEquals(15, partial.readMetrics().size(), "steps 10-14 were trained, then lost");
      Swarm resumed = swarm(runner, dir.resolve("cut"));
      resumed.claim(ExistingOutput.RESUME);
      SwarmTable t = resumed.runMissing(runner, null);
      assertEquals(expected, t);
      assertEquals(expected, SwarmTable.read(dir.resolve("cut")));
    }
  }
}
