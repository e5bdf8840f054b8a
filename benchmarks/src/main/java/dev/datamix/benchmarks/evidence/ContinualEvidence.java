package dev.datamix.benchmarks.evidence;

import dev.datamix.report.Chart;
import dev.datamix.shootout.Shootout;
import dev.datamix.shootout.ShootoutReport;
import dev.datamix.shootout.ShootoutSpec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.schedule.LearningRateSchedule;
import dev.datamix.schedule.Schedules;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Continual pre-training on real text: phase A (English prose) then phase B (code), each of
 * {@code steps} steps, under rewarm/redecay with replay 0, 1, 5, 25%, a constant low rate without
 * rewarm, the infinite schedule (with 5% replay), and a run from scratch on A ∪ B for the combined
 * budget. Reports held-out loss on A and on B at the end, and forgetting (the rise of A's loss
 * during B), with loss-curve plots.
 *
 * <p>Usage: {@code ContinualEvidence --corpus DIR --out DIR [--steps N] [--seed S]}.
 */
public final class ContinualEvidence {
  private static final List<String> A = List.of("prose", "bible", "sotu");
  private static final List<String> B = List.of("code_python", "code_java");
  private static final double PEAK = 2e-3;
  private static final double MIN = 2e-4;

  private ContinualEvidence() {}

  /** Runs the variants and writes {@code report.md} and plots. */
  public static void main(String[] args) throws IOException {
    EvidenceArgs a = new EvidenceArgs(args);
    Path corpusDir = Path.of(a.require("--corpus"));
    Path out = Path.of(a.require("--out"));
    long steps = Long.parseLong(a.get("--steps", "400"));
    long seed = Long.parseLong(a.get("--seed", "1"));
    long total = 2 * steps;
    Files.createDirectories(out);
    LearningRateSchedule rewarm = Schedules.rewarmRedecay(new long[] {0, steps}, total, PEAK,
        0.01, MIN);
    LearningRateSchedule constantLow = Schedules.sequence(List.of(
        new Schedules.Segment(0, LearningRateSchedule.warmupCosine(PEAK, steps / 50, steps,
            MIN)),
        new Schedules.Segment(steps, LearningRateSchedule.constant(MIN))));
    LearningRateSchedule infinite = Schedules.infinite(PEAK, 0.55 * PEAK, MIN, steps / 20,
        steps * 9 / 20, Schedules.Cooldown.INVERSE_SQRT, 8, total - steps / 4, steps / 4,
        Schedules.Anneal.EXPONENTIAL);
    LearningRateSchedule union = LearningRateSchedule.warmupCosine(PEAK, total / 100, total, MIN);
    List<Object[]> variants = List.of(
        new Object[] {"rewarm, replay 0%", plan(steps, 0, true), rewarm},
        new Object[] {"rewarm, replay 1%", plan(steps, 0.01, true), rewarm},
        new Object[] {"rewarm, replay 5%", plan(steps, 0.05, true), rewarm},
        new Object[] {"rewarm, replay 25%", plan(steps, 0.25, true), rewarm},
        new Object[] {"constant low LR, no rewarm", plan(steps, 0, false), constantLow},
        new Object[] {"infinite, replay 5%", plan(steps, 0.05, false), infinite},
        new Object[] {"union A ∪ B from scratch", Json.parse("{\"policy\": \"proportional\"}"),
            union});
    List<String> rows = new ArrayList<>();
    Map<String, double[][]> curvesA = new LinkedHashMap<>();
    Map<String, double[][]> curvesB = new LinkedHashMap<>();
    try (Corpus corpus = Corpus.open(corpusDir)) {
      for (Object[] v : variants) {
        String label = (String) v[0];
        ObjectNode cfg = (ObjectNode) Json.parse("{\"batchSize\": 16, \"steps\": " + total
            + ", \"seed\": " + seed + ", \"evalBlocksPerDomain\": 32}");
        ArrayNode td = cfg.putArray("trainDomains");
        A.forEach(td::add);
        B.forEach(td::add);
        Path dir = out.resolve("runs").resolve(label.replaceAll("[^A-Za-z0-9]+", "-"));
        int points = 8;
        double[][] ca = new double[2][points + 1];
        double[][] cb = new double[2][points + 1];
        try (MixingTrainer t = MixingTrainer.builder().setCorpus(corpus)
            .setPolicy((com.fasterxml.jackson.databind.JsonNode) v[1])
            .optConfig(TrainingConfig.fromJson(cfg))
            .optSchedule((LearningRateSchedule) v[2]).setRunDirectory(dir)
            .overwrite() // the harness's own run, redone on every call
            .build()) {
          double[] endOfA = null;
          for (int k = 0; k <= points; k++) {
            if (k > 0) {
              t.runSteps(total * k / points);
            }
            double[] m = means(t, corpus);
            ca[0][k] = t.tokensSeen();
            ca[1][k] = m[0];
            cb[0][k] = t.tokensSeen();
            cb[1][k] = m[1];
            if (t.step() == steps) {
              endOfA = m;
            }
          }
          double[] end = means(t, corpus);
          rows.add(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %+.4f |", label,
              end[0], end[1], (end[0] + end[1]) / 2,
              endOfA == null ? Double.NaN : end[0] - endOfA[0]));
          System.err.println(rows.get(rows.size() - 1));
        }
        curvesA.put(label, ca);
        curvesB.put(label, cb);
      }
    }
    Chart.lines(out.resolve("plots/loss-A"), "Held-out loss on A (English prose)", "tokens",
        "bits per byte", curvesA);
    Chart.lines(out.resolve("plots/loss-B"), "Held-out loss on B (code)", "tokens",
        "bits per byte", curvesB);
    List<String> md = new ArrayList<>();
    md.add("# Continual pre-training: rewarm, redecay, replay, infinite schedules");
    md.add("");
    md.add(String.format(Locale.ROOT, "Phase A = %s, then phase B = %s, %d steps each × 16 "
        + "blocks of 128 bytes, the default tiny model, seed %d; η_max = %.0e, η_min = %.0e. "
        + "Held-out (test) **bits per byte**, mean over each group's domains. Forgetting = A's "
        + "loss at the end of B minus A's loss at the end of A. Produced by "
        + "`benchmarks/run-continual.sh`.", A, B, steps, seed, PEAK, MIN));
    md.add("");
    md.add("| run | A at end | B at end | mean | forgetting on A |");
    md.add("|---|---:|---:|---:|---:|");
    md.addAll(rows);
    md.add("");
    md.add("The union run trains on A ∪ B (proportional) for the combined budget from scratch, "
        + "so it has no \"end of A\"; its forgetting is not defined.");
    md.add("");
    md.add("![A](plots/loss-A.png)");
    md.add("![B](plots/loss-B.png)");
    Files.writeString(out.resolve("report.md"), String.join("\n", md) + "\n");
    System.out.println("wrote " + out.resolve("report.md"));
  }

  private static com.fasterxml.jackson.databind.JsonNode plan(long steps, double replay,
      boolean reset) {
    ObjectNode spec = Json.object();
    spec.put("policy", "continual");
    ArrayNode phases = spec.putObject("config").putArray("phases");
    ObjectNode pa = phases.addObject().put("name", "A").put("steps", steps);
    A.forEach(pa.putArray("domains")::add);
    ObjectNode pb = phases.addObject().put("name", "B").put("steps", steps)
        .put("replay", replay).put("resetOptimizer", reset);
    B.forEach(pb.putArray("domains")::add);
    return spec;
  }

  /** Mean test bits/byte over A's and over B's domains. */
  private static double[] means(MixingTrainer t, Corpus corpus) {
    double[] nats = t.evaluate(Split.TEST);
    double sa = 0;
    double sb = 0;
    for (int d = 0; d < t.domains().size(); d++) {
      double bpb = t.bitsPerByte(nats[d], d, Split.TEST);
      if (A.contains(t.domains().get(d).name())) {
        sa += bpb / A.size();
      } else {
        sb += bpb / B.size();
      }
    }
    return new double[] {sa, sb};
  }
}
