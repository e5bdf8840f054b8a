package dev.datamix.benchmarks.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.run.RunDirectory;
import dev.datamix.shootout.Provenance;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * DGA's overhead against a uniform run of the same length, over the probe interval {@code T_r}
 * and the probe batch size: short runs of one seed. The measurements go to {@code sweep.json}
 * (with the command, commit and machine) and {@code report.md} is rendered from that file
 * alone, so it regenerates without re-training ({@link #render}).
 */
final class DgaOverheadSweep {
  static final String RAW = "sweep.json";

  private DgaOverheadSweep() {}

  /** Measures the sweep into {@code dir/sweep.json} and writes {@code dir/report.md}. */
  static void run(Corpus corpus, ObjectNode trainer, int domains, long steps, Path dir,
      String command) throws IOException {
    ObjectNode sw = trainer.deepCopy();
    sw.put("steps", steps).put("warmupSteps", 5).put("seed", 1);
    ObjectNode raw = Json.object();
    raw.set("provenance", Provenance.capture(command).toJson());
    raw.put("steps", steps).put("batchSize", sw.path("batchSize").asInt()).put("domains",
        domains);
    JsonNode uniform = Json.parse("{\"policy\": \"uniform\"}");
    // a discarded run first, so that the JIT warms up on no one's account; the baseline is
    // measured before and after the DGA runs, and the report uses their mean
    meanStep(corpus, sw, uniform, dir.resolve("runs/warmup"));
    double before = meanStep(corpus, sw, uniform, dir.resolve("runs/uniform-before"))[0];
    ArrayNode rows = raw.putArray("rows");
    for (int tr : new int[] {5, 10, 25, 50}) {
      for (int pb : new int[] {4, 8, 16}) {
        ObjectNode cfg = sw.deepCopy();
        cfg.put("probeBatchSize", pb);
        double[] m = meanStep(corpus, cfg, Json.parse("{\"policy\": \"dga\", \"config\": "
            + "{\"updateEvery\": " + tr + "}}"), dir.resolve("runs/dga-" + tr + "-" + pb));
        rows.addObject().put("updateEvery", tr).put("probeBatch", pb).put("meanStepMs", m[0])
            .put("probeMs", m[1]);
      }
    }
    double after = meanStep(corpus, sw, uniform, dir.resolve("runs/uniform-after"))[0];
    raw.put("uniformBeforeMs", before).put("uniformAfterMs", after);
    AtomicFiles.writeString(dir.resolve(RAW), Json.write(raw));
    render(dir);
  }

  /** Writes {@code dir/report.md} from {@code dir/sweep.json}. */
  static void render(Path dir) throws IOException {
    JsonNode raw = Json.read(dir.resolve(RAW));
    int k = raw.path("domains").asInt();
    int batch = raw.path("batchSize").asInt();
    double before = raw.path("uniformBeforeMs").asDouble();
    double after = raw.path("uniformAfterMs").asDouble();
    double base = (before + after) / 2;
    List<String> md = new ArrayList<>();
    md.add("# DGA overhead over T_r and the probe batch size");
    md.add("");
    md.add(String.format(Locale.ROOT, "%d-step runs, seed 1, batch %d, K = %d domains; mean wall "
        + "time per step (evaluations excluded, probes included, the first 10 steps left out) "
        + "against a uniform run of the same length: %.1f ms/step, the mean of a uniform run "
        + "before the DGA runs (%.1f) and one after them (%.1f), after a discarded warm-up run. "
        + "Predicted extra work per step = (K + 1) · b_r / T_r forward-backward blocks. The runs "
        + "are sequential on one machine, so the difference between the two uniform runs shows "
        + "the noise. Raw measurements: `sweep.json`.", raw.path("steps").asLong(), batch, k,
        base, before, after));
    md.add("");
    md.add("Provenance: produced by "
        + Provenance.fromJson(raw.path("provenance")).sentence() + ".");
    md.add("");
    md.add("The probe time is measured inside each step (`timeMs.probes`), so it is the steadier "
        + "figure; the wall-time overhead also carries the run-to-run noise.");
    md.add("");
    md.add("| T_r | probe batch | predicted extra blocks per step | mean step (ms) | probe ms"
        + " per step | probe time vs uniform step | overhead vs uniform |");
    md.add("|---:|---:|---:|---:|---:|---:|---:|");
    for (JsonNode r : raw.path("rows")) {
      int tr = r.path("updateEvery").asInt();
      int pb = r.path("probeBatch").asInt();
      double extra = (k + 1.0) * pb / tr;
      double step = r.path("meanStepMs").asDouble();
      double probe = r.path("probeMs").asDouble();
      md.add(String.format(Locale.ROOT, "| %d | %d | %.2f (%.0f%% of %d) | %.1f | %.1f | %+.1f%% "
          + "| %+.1f%% |", tr, pb, extra, 100 * extra / batch, batch, step, probe,
          100 * probe / base, 100 * (step / base - 1)));
    }
    Files.writeString(dir.resolve("report.md"), String.join("\n", md) + "\n");
  }

  /** Mean step time (ms) without evaluation, and mean probe time per step, of a short run. */
  private static double[] meanStep(Corpus corpus, ObjectNode cfg, JsonNode policy, Path dir)
      throws IOException {
    try (MixingTrainer t = MixingTrainer.builder().setCorpus(corpus).setPolicy(policy)
        .optConfig(TrainingConfig.fromJson(cfg)).setRunDirectory(dir)
        .overwrite() // a timing run of the harness's own, redone on every call
        .build()) {
      t.runSteps(cfg.get("steps").asLong());
    }
    List<ObjectNode> lines = new RunDirectory(dir).readMetrics();
    double total = 0;
    double probes = 0;
    int n = 0;
    for (ObjectNode l : lines.subList(Math.min(10, lines.size() - 1), lines.size())) {
      JsonNode tm = l.get("timeMs");
      total += tm.get("total").asDouble() - tm.get("eval").asDouble();
      probes += tm.get("probes").asDouble();
      n++;
    }
    return new double[] {total / n, probes / n};
  }
}
