package dev.datamix.benchmarks;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.Batchifier;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.djl.model.GptConfig;
import dev.datamix.djl.model.GptModel;
import dev.datamix.djl.model.NextTokenLoss;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.benchmarks.report.Median;
import dev.datamix.run.RunDirectory;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Step time of datamix's DJL loop under a static policy against a bare DJL loop (DJL's own {@code
 * Trainer}, {@code EasyTrain.trainBatch}, {@code Trainer.step}, DJL's Adam, random batches made in
 * advance) on the same model and batch, on CPU. Rounds alternate between the two loops so that
 * machine noise hits both; medians are reported with the time split of datamix's loop.
 *
 * <p>Usage: {@code TrainerOverhead <out.md> [steps-per-round] [rounds]}; run through {@code
 * benchmarks/run-trainer-overhead.sh}.
 */
public final class TrainerOverhead {
  private TrainerOverhead() {}

  /** Runs the comparison and writes the Markdown report. */
  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks-trainer.md");
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    int batch = 16;
    Path work = Files.createTempDirectory("datamix-overhead");
    DemoCorpus.write(work.resolve("demo"), 1_000_000, 128, 1);
    List<Double> bare = new ArrayList<>();
    List<Double> ours = new ArrayList<>();
    List<Double> oursNoClip = new ArrayList<>();
    double[] split = new double[5];
    try (Corpus corpus = Corpus.open(work.resolve("demo"))) {
      TrainingConfig cfg = TrainingConfig.fromJson(Json.parse(String.format(Locale.ROOT,
          "{\"batchSize\": %d, \"steps\": %d, \"warmupSteps\": 10, \"device\": \"cpu\"}",
          batch, 1_000_000)));
      GptConfig gpt = new GptConfig(corpus.manifest().vocabSize(), 128, cfg.layers(),
          cfg.dModel(), cfg.heads(), cfg.mlpRatio(), cfg.tiedEmbeddings());
      try (BareLoop b = new BareLoop(gpt, batch);
          MixingTrainer t = MixingTrainer.builder().setCorpus(corpus).optConfig(cfg)
              .setRunDirectory(work.resolve("run")).overwrite() // the harness's scratch run
              .setPolicy(Json.parse("{\"policy\": \"uniform\"}")).build();
          MixingTrainer u = MixingTrainer.builder().setCorpus(corpus)
              .optConfig(cfg.with(Json.parse("{\"gradClip\": 0}")))
              .setRunDirectory(work.resolve("run-noclip")).overwrite()
              .setPolicy(Json.parse("{\"policy\": \"uniform\"}")).build()) {
        b.run(10);
        t.trainUntil(10);
        u.trainUntil(10);
        for (int r = 0; r < rounds; r++) {
          bare.addAll(b.run(steps));
          for (MixingTrainer.StepResult s : t.trainUntil(t.step() + steps)) {
            ours.add(s.wallMillis());
          }
          for (MixingTrainer.StepResult s : u.trainUntil(u.step() + steps)) {
            oursNoClip.add(s.wallMillis());
          }
        }
        List<ObjectNode> lines = new RunDirectory(work.resolve("run")).readMetrics();
        String[] keys = {"data", "forwardBackward", "optimizer", "policy", "total"};
        int counted = 0;
        for (ObjectNode l : lines.subList(10, lines.size())) {
          JsonNode tm = l.get("timeMs");
          for (int k = 0; k < keys.length; k++) {
            split[k] += tm.get(keys[k]).asDouble();
          }
          counted++;
        }
        for (int k = 0; k < split.length; k++) {
          split[k] /= counted;
        }
        ObjectNode raw = Json.object();
        raw.set("provenance", dev.datamix.shootout.Provenance.capture(
            dev.datamix.shootout.Provenance.command("benchmarks/run-trainer-overhead.sh "
                + steps + " " + rounds)).toJson());
        raw.put("layers", gpt.layers()).put("dModel", gpt.dModel()).put("heads", gpt.heads())
            .put("context", gpt.context()).put("parameters", gpt.parameterCount())
            .put("batch", batch).put("steps", steps).put("rounds", rounds);
        raw.set("bareMs", Json.doubles(bare.stream().mapToDouble(Double::doubleValue).toArray()));
        raw.set("datamixMs", Json.doubles(ours.stream().mapToDouble(Double::doubleValue)
            .toArray()));
        raw.set("datamixNoClipMs", Json.doubles(oursNoClip.stream()
            .mapToDouble(Double::doubleValue).toArray()));
        raw.set("split", Json.doubles(split));
        Path rawDir = out.toAbsolutePath().getParent().resolve("benchmarks").resolve("trainer");
        Files.createDirectories(rawDir);
        dev.datamix.state.AtomicFiles.writeString(rawDir.resolve(RAW), Json.write(raw));
        System.out.print(render(rawDir, out));
      }
    }
  }

  private static double median(List<Double> v) {
    return Median.of(v.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** The raw measurements, in {@code docs/benchmarks/trainer/}. */
  public static final String RAW = "overhead.json";

  private static List<Double> list(JsonNode a) {
    List<Double> out = new ArrayList<>();
    a.forEach(x -> out.add(x.asDouble()));
    return out;
  }

  /** Writes {@code out} from {@code rawDir/overhead.json} alone; returns the text. */
  public static String render(Path rawDir, Path out) throws IOException {
    JsonNode raw = Json.read(rawDir.resolve(RAW));
    List<Double> bare = list(raw.get("bareMs"));
    List<Double> ours = list(raw.get("datamixMs"));
    List<Double> oursNoClip = list(raw.get("datamixNoClipMs"));
    double[] split = list(raw.get("split")).stream().mapToDouble(Double::doubleValue).toArray();
    int batch = raw.get("batch").asInt();
    int steps = raw.get("steps").asInt();
    int rounds = raw.get("rounds").asInt();
    double mb = median(bare);
    double mo = median(ours);
    double mn = median(oursNoClip);
    double tokens = batch * 128.0;
    List<String> md = new ArrayList<>();
    md.add("# DJL trainer overhead: datamix's loop against a bare DJL loop");
    md.add("");
    md.add("Produced by " + dev.datamix.shootout.Provenance.fromJson(raw.get("provenance"))
        .sentence() + " (`TrainerOverhead`), CPU; raw measurements in `benchmarks/trainer/"
        + RAW + "`. Model: " + raw.get("layers").asInt() + " layers, d = "
        + raw.get("dModel").asInt() + ", " + raw.get("heads").asInt() + " heads, context "
        + raw.get("context").asInt() + ", byte vocabulary (" + String.format(Locale.ROOT, "%,d",
            raw.get("parameters").asLong()) + " parameters); batch " + batch
        + " blocks × 128 tokens. "
        + rounds + " rounds of " + steps + " steps alternate between the loops after 10 warm-up "
        + "steps each; medians over all measured steps, one run.");
    md.add("");
    md.add("- **bare DJL**: `EasyTrain.trainBatch` + `Trainer.step`, DJL's fused Adam, "
        + "`NextTokenLoss`, random token ids drawn before timing; each batch's arrays live in "
        + "a sub-manager closed after the step, as DJL's data pipeline does.");
    md.add("- **datamix**: `MixingTrainer` with the `uniform` policy: policy, sampler, batch "
        + "assembly from the memory-mapped demo corpus, per-block loss vector, global-norm "
        + "clipping, AdamW with exportable moments, a JSONL metrics line per step.");
    md.add("");
    md.add("- **datamix, `gradClip` 0**: the same without global-norm clipping, like the bare "
        + "loop.");
    md.add("");
    md.add("| loop | median step (ms) | tokens/s |");
    md.add("|---|---:|---:|");
    md.add(String.format(Locale.ROOT, "| bare DJL | %.2f | %,.0f |", mb, tokens / mb * 1000));
    md.add(String.format(Locale.ROOT, "| datamix | %.2f | %,.0f |", mo, tokens / mo * 1000));
    md.add(String.format(Locale.ROOT, "| datamix, `gradClip` 0 | %.2f | %,.0f |", mn,
        tokens / mn * 1000));
    md.add("");
    md.add(String.format(Locale.ROOT, "Overhead of datamix's loop over the bare loop: "
        + "**%+.1f%%** of step time with global-norm clipping (which the bare loop does not "
        + "do), **%+.1f%%** without it (target ≤ 2%%).", 100 * (mo - mb) / mb,
        100 * (mn - mb) / mb));
    md.add("");
    md.add("Mean time split of datamix's steps (from `metrics.jsonl`, ms):");
    md.add("");
    md.add("| data | forward + backward | optimizer | policy | total |");
    md.add("|---:|---:|---:|---:|---:|");
    md.add(String.format(Locale.ROOT, "| %.3f | %.2f | %.2f | %.3f | %.2f |", split[0],
        split[1], split[2], split[3], split[4]));
    String text = String.join("\n", md) + "\n";
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, text);
    return text;
  }

  /** DJL's own training loop on random batches (token ids drawn before timing). */
  private static final class BareLoop implements AutoCloseable {
    private final Model model;
    private final Trainer trainer;
    private final List<int[]> batches = new ArrayList<>();
    private final NDManager data;
    private final int batch;
    private final int context;
    private int next;

    BareLoop(GptConfig gpt, int batch) {
      this.batch = batch;
      this.context = gpt.context();
      model = Model.newInstance("bare");
      GptModel block = new GptModel(gpt);
      block.initializeWeights(model.getNDManager(), 1);
      model.setBlock(block);
      trainer = model.newTrainer(new DefaultTrainingConfig(new NextTokenLoss())
          .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build())
          .optDevices(new Device[] {Device.cpu()}));
      trainer.initialize(new Shape(batch, gpt.context()));
      data = NDManager.newBaseManager();
      java.util.SplittableRandom random = new java.util.SplittableRandom(7);
      for (int i = 0; i < 16; i++) {
        int[] rows = new int[batch * (context + 1)];
        for (int j = 0; j < rows.length; j++) {
          rows[j] = random.nextInt(gpt.vocabSize());
        }
        batches.add(rows);
      }
    }

    List<Double> run(int steps) {
      List<Double> times = new ArrayList<>();
      for (int i = 0; i < steps; i++) {
        int[] rows = batches.get(next++ % batches.size());
        long t0 = System.nanoTime();
        // as a DJL data pipeline does: the batch's arrays live in its own sub-manager
        NDManager m = data.newSubManager();
        NDArray all = m.create(rows, new Shape(batch, context + 1));
        NDList x = new NDList(all.get(new NDIndex(":, :{}", context)));
        NDList y = new NDList(all.get(new NDIndex(":, 1:")));
        try (Batch b = new Batch(m, x, y, batch, Batchifier.STACK, Batchifier.STACK, 0, 0)) {
          EasyTrain.trainBatch(trainer, b);
          trainer.step();
        }
        times.add((System.nanoTime() - t0) / 1e6);
      }
      return times;
    }

    @Override
    public void close() {
      trainer.close();
      model.close();
      data.close();
    }
  }
}
