package dev.datamix.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.djl.train.NativeDeterminism;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.djl.workflow.TrainerSwarmRunner;
import dev.datamix.mixlaw.Swarm;
import dev.datamix.mixlaw.SwarmPlan;
import dev.datamix.shootout.Shootout;
import dev.datamix.shootout.ShootoutSpec;
import dev.datamix.state.Json;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One run in a JVM of its own, started by a Spark task: DJL's PyTorch engine trains one model at
 * a time per JVM (its gradient collector is process-wide), so tasks that share an executor JVM
 * (every task, in local mode) each start one. The child gets the task's class path, the JVM
 * options of the executor (its {@code --add-opens} and {@code -D} settings), {@code threads}
 * PyTorch and OpenMP threads, and oneMKL's reproducibility conditions ({@link
 * NativeDeterminism}); its output goes to {@code logs/<run>.log} in the swarm or shoot-out
 * directory.
 *
 * <p>{@code RunProcess swarm SWARM_DIR RUN_INDEX CORPUS TRAINER_JSON} or {@code RunProcess
 * shootout SHOOTOUT_DIR LABEL SEED}.
 */
public final class RunProcess {
  private RunProcess() {}

  /** Runs one run (the child's entry point). */
  public static void main(String[] args) throws IOException {
    switch (args[0]) {
      case "swarm" -> {
        Path dir = Path.of(args[1]);
        SwarmPlan plan = Swarm.readPlan(dir);
        Swarm swarm = new Swarm(plan, (ObjectNode) Swarm.readSettings(dir), dir);
        try (Corpus c = Corpus.open(Path.of(args[3]))) {
          swarm.runAndRecord(new TrainerSwarmRunner(c, TrainingConfig.fromJson(
              Json.parse(args[4]))), plan.runs().get(Integer.parseInt(args[2])));
        }
      }
      case "shootout" -> {
        Path dir = Path.of(args[1]);
        new Shootout(ShootoutSpec.ofDirectory(dir), dir, null).runSingle(args[2],
            Long.parseLong(args[3]));
      }
      default -> throw new IllegalArgumentException("run kind must be swarm or shootout, got '"
          + args[0] + "'");
    }
  }

  /**
   * Starts {@code RunProcess args} with {@code threads} threads, logging to {@code log}, and
   * waits for it.
   *
   * @throws IOException naming the run and the log's last lines if it fails
   */
  static void runChild(List<String> args, int threads, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String o : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (o.startsWith("--add-") || o.startsWith("-XX:+IgnoreUnrecognized")
          || (o.startsWith("-D") && !o.startsWith("-Dai.djl.pytorch.num_"))
          || o.startsWith("-Xmx")) {
        cmd.add(o);
      }
    }
    cmd.add("-Dai.djl.pytorch.num_threads=" + threads);
    cmd.add("-Dai.djl.pytorch.num_interop_threads=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(RunProcess.class.getName());
    cmd.addAll(args);
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(NativeDeterminism.ENVIRONMENT);
    pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
    Process p = pb.start();
    try {
      int code = p.waitFor();
      if (code != 0) {
        List<String> lines = Files.readAllLines(log);
        throw new IOException("run " + args + " failed (exit " + code + "); the end of " + log
            + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15),
                lines.size())));
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("run " + args + " was interrupted", e);
    }
  }
}
