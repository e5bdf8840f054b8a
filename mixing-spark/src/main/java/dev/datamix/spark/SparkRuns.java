package dev.datamix.spark;

import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.mixlaw.Swarm;
import dev.datamix.mixlaw.SwarmPlan;
import dev.datamix.mixlaw.SwarmTable;
import dev.datamix.shootout.Shootout;
import dev.datamix.shootout.ShootoutSpec;
import dev.datamix.state.Json;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.SparkSession;

/**
 * Independent runs as Spark tasks, one run per task: the proxies of a RegMix swarm and the runs
 * of a shoot-out. A finished run is skipped and an interrupted one resumes from its checkpoint,
 * as in the one-process commands; each task writes into the shared output directory, and the
 * driver writes the tables or the report at the end. Results are identical to running the same
 * runs one by one at the same number of PyTorch threads (tested): a run depends on nothing but
 * its own settings.
 *
 * <p><b>Threads.</b> Two trainings on two cores that each use every core run more than ten times
 * slower. Each run trains in a JVM of its own ({@link RunProcess}), with as many PyTorch and
 * OpenMP threads as Spark gives its task ({@code spark.task.cpus}, 1 by default): {@code
 * local[N]} runs N runs at once, one thread each.
 */
public final class SparkRuns {
  private SparkRuns() {}

  /**
   * The PyTorch threads each of {@code tasks} concurrent tasks may use on {@code cores} cores:
   * {@code max(1, cores / tasks)}.
   */
  public static int threadsPerTask(int cores, int tasks) {
    return Math.max(1, cores / Math.max(1, tasks));
  }

  /** The cores Spark gives each task ({@code spark.task.cpus}, 1 unless set). */
  static int taskCpus() {
    org.apache.spark.TaskContext t = org.apache.spark.TaskContext.get();
    return t == null ? 1 : Math.max(1, t.cpus());
  }

  /**
   * Runs the pending runs of {@code swarm} (claimed, so {@code swarm.json} is written) on the
   * DJL trainer, one Spark task per run; returns the tables.
   *
   * @param corpus the corpus every task opens (on a filesystem they all see)
   * @param config the proxies' trainer settings
   */
  public static SwarmTable swarm(SparkSession spark, Swarm swarm, Path swarmDir, Path corpus,
      TrainingConfig config) throws IOException {
    List<Integer> pending = new ArrayList<>();
    for (SwarmPlan.Run r : swarm.pending()) {
      pending.add(r.index());
    }
    if (!pending.isEmpty()) {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      sc.parallelize(pending, pending.size()).map(new SwarmTask(swarmDir.toAbsolutePath()
          .toString(), corpus.toAbsolutePath().toString(), config.toJson().toString()))
          .collect();
    }
    return swarm.writeTables();
  }

  /** One proxy run on an executor. */
  static final class SwarmTask implements Function<Integer, String>, Serializable {
    private static final long serialVersionUID = 1L;
    private final String swarmDir;
    private final String corpus;
    private final String trainer;

    SwarmTask(String swarmDir, String corpus, String trainer) {
      this.swarmDir = swarmDir;
      this.corpus = corpus;
      this.trainer = trainer;
    }

    @Override
    public String call(Integer index) throws IOException {
      Path dir = Path.of(swarmDir);
      SwarmPlan.Run run = Swarm.readPlan(dir).runs().get(index);
      RunProcess.runChild(List.of("swarm", swarmDir, String.valueOf(index), corpus, trainer),
          taskCpus(), dir.resolve("logs").resolve(run.name() + ".log"));
      return run.name();
    }
  }

  /**
   * Runs the runs of a claimed shoot-out ({@link Shootout#claim}) that are not finished, one
   * Spark task per run; returns every run's result file.
   */
  public static List<Path> shootout(SparkSession spark, ShootoutSpec spec, Path out)
      throws IOException {
    List<String> pending = new ArrayList<>();
    List<Path> results = new ArrayList<>();
    Shootout s = new Shootout(spec, out, null);
    for (long seed : spec.seeds()) {
      for (ShootoutSpec.Entry e : spec.policies()) {
        Path result = s.resultOf(e.label(), seed);
        results.add(result);
        if (!java.nio.file.Files.exists(result)) {
          pending.add(e.label() + "\u0000" + seed);
        }
      }
    }
    if (!pending.isEmpty()) {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      sc.parallelize(pending, pending.size()).map(new ShootoutTask(
          out.toAbsolutePath().toString())).collect();
    }
    return results;
  }

  /** One shoot-out run on an executor: the spec is the claimed directory's {@code spec.json}. */
  static final class ShootoutTask implements Function<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    private final String out;

    ShootoutTask(String out) {
      this.out = out;
    }

    @Override
    public String call(String run) throws IOException {
      String[] parts = run.split("\u0000");
      String name = parts[0] + "-s" + parts[1];
      RunProcess.runChild(List.of("shootout", out, parts[0], parts[1]), taskCpus(),
          Path.of(out).resolve("logs").resolve(name + ".log"));
      return name;
    }
  }
}
