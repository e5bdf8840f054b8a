package dev.datamix.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.djl.workflow.TrainerSwarmRunner;
import dev.datamix.mixlaw.Swarm;
import dev.datamix.mixlaw.SwarmOptions;
import dev.datamix.mixlaw.SwarmPlan;
import dev.datamix.mixlaw.SwarmTable;
import dev.datamix.shootout.Shootout;
import dev.datamix.shootout.ShootoutSpec;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs as Spark tasks (local[2], one PyTorch thread each, as the build's test JVM is started)
 * give exactly the results of the same runs one by one; a second pass skips what is done.
 */
class SparkRunsTest {
  static SparkSession spark;
  static Path corpus;
  @TempDir Path dir;

  @BeforeAll
  static void start(@TempDir Path shared) throws IOException {
    spark = SparkSessions.open("local[2]", "datamix-test");
    corpus = shared.resolve("demo");
    DemoCorpus.write(corpus, 30_000, 16, 1);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static TrainingConfig proxy() {
    return TrainingConfig.fromJson(Json.parse("{\"layers\": 1, \"dModel\": 16, \"heads\": 2, "
        + "\"batchSize\": 4, \"steps\": 12, \"warmupSteps\": 2, \"evalBlocksPerDomain\": 2, "
        + "\"trainDomains\": [\"template\", \"arith\", \"code\"]}"));
  }

  private static Swarm swarm(Corpus c, Path out) throws IOException {
    TrainerSwarmRunner runner = new TrainerSwarmRunner(c, proxy());
    SwarmPlan plan = SwarmPlan.sample(runner.domains(), new SwarmOptions(2, 1.0, 2e-4, 15,
        runner.tokensPerRun(), 0.1, 5.0, 3));
    Swarm s = new Swarm(plan, runner.settings(), out);
    s.claim(ExistingOutput.REFUSE);
    return s;
  }

  @Test
  void aTwoRunSwarmAsSparkTasksEqualsTheRunsOneByOne() throws IOException {
    SwarmTable one;
    SwarmTable tasks;
    try (Corpus c = Corpus.open(corpus)) {
      one = swarm(c, dir.resolve("one")).runMissing(new TrainerSwarmRunner(c, proxy()), null);
      Swarm s = swarm(c, dir.resolve("tasks"));
      tasks = SparkRuns.swarm(spark, s, dir.resolve("tasks"), corpus, proxy());
    }
    assertEquals(Files.readString(dir.resolve("one").resolve(SwarmTable.METRICS)),
        Files.readString(dir.resolve("tasks").resolve(SwarmTable.METRICS)));
    assertEquals(one.runs().size(), tasks.runs().size());
    // resuming finds nothing to do and writes the same tables
    try (Corpus c = Corpus.open(corpus)) {
      Swarm again = new Swarm(Swarm.readPlan(dir.resolve("tasks")),
          (com.fasterxml.jackson.databind.node.ObjectNode) Swarm.readSettings(
              dir.resolve("tasks")), dir.resolve("tasks"));
      assertEquals(List.of(), again.pending());
      SparkRuns.swarm(spark, again, dir.resolve("tasks"), corpus, proxy());
    }
    assertEquals(Files.readString(dir.resolve("one").resolve(SwarmTable.METRICS)),
        Files.readString(dir.resolve("tasks").resolve(SwarmTable.METRICS)));
  }

  @Test
  void aShootoutAsSparkTasksEqualsItsRunsOneByOne() throws IOException {
    ShootoutSpec spec = ShootoutSpec.fromJson(Json.parse("{\"corpus\": \"" + corpus + "\", "
        + "\"trainer\": {\"layers\": 1, \"dModel\": 16, \"heads\": 2, \"batchSize\": 4, "
        + "\"steps\": 12, \"warmupSteps\": 2, \"evalBlocksPerDomain\": 2}, \"seeds\": [1], "
        + "\"evalEvery\": 6, \"policies\": [{\"label\": \"uniform\", \"policy\": {\"policy\": "
        + "\"uniform\"}}, {\"label\": \"proportional\", \"policy\": {\"policy\": "
        + "\"proportional\"}}]}"), ShootoutSpec.quick());
    new Shootout(spec, dir.resolve("one"), null).run();
    new Shootout(spec, dir.resolve("tasks"), null).claim(ExistingOutput.REFUSE);
    List<Path> results = SparkRuns.shootout(spark, spec, dir.resolve("tasks"));
    assertEquals(2, results.size());
    for (String run : List.of("uniform-s1", "proportional-s1")) {
      JsonNode a = Json.read(dir.resolve("one/runs").resolve(run).resolve("result.json"))
          .get("final");
      JsonNode b = Json.read(dir.resolve("tasks/runs").resolve(run).resolve("result.json"))
          .get("final");
      ((com.fasterxml.jackson.databind.node.ObjectNode) a).remove("seconds"); // wall time
      ((com.fasterxml.jackson.databind.node.ObjectNode) b).remove("seconds");
      assertEquals(a.toString(), b.toString(), run);
    }
  }
}
