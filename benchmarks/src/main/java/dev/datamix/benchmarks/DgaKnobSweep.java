package dev.datamix.benchmarks;

import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.sim.SimulatedLearner;
import dev.datamix.sim.Simulation;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sweeps DGA's learning rate, EMA and score normalisation on the simulated learner (the demo
 * learner, whose target is learned mostly from {@code related}; noisy alignment scores): final
 * target loss (mean over 5 seeds) and the mean weight change per update. Writes a Markdown table.
 *
 * <p>Usage: {@code DgaKnobSweep <out.md>}.
 */
public final class DgaKnobSweep {
  private DgaKnobSweep() {}

  /** Runs the sweep. */
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "docs/dga-knob-sweep.md");
    PolicyRegistry registry = PolicyRegistry.load();
    List<String> md = new ArrayList<>();
    md.add("# DGA knob sweep on the simulated learner");
    md.add("");
    md.add("Produced by `DgaKnobSweep` (benchmarks module): `SimulatedLearner.demo(seed)` with "
        + "alignment noise 0.5, batch 16, 600 steps, T_r = 10, seeds 1–5. Target loss after "
        + "training (lower is better; no mixing at all — uniform — gives the first row) and the "
        + "mean largest weight change per update (lower is steadier).");
    md.add("");
    md.add("| learningRate | ema | normaliseScores | target loss | weight change per update |");
    md.add("|---:|---:|---|---:|---:|");
    md.add(row(registry, "uniform", "{}", "—", "—", "—"));
    for (boolean norm : new boolean[] {true, false}) {
      for (double lr : new double[] {0.3, 1, 3, 10}) {
        for (double ema : new double[] {0, 0.5, 0.9, 0.97}) {
          String cfg = String.format(Locale.ROOT, "{\"updateEvery\": 10, \"learningRate\": %s,"
              + " \"ema\": %s, \"normaliseScores\": %s}", lr, ema, norm);
          md.add(row(registry, "dga", cfg, String.valueOf(lr), String.valueOf(ema),
              String.valueOf(norm)));
        }
      }
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, String.join("\n", md) + "\n");
    System.out.println(String.join("\n", md));
  }

  private static String row(PolicyRegistry registry, String policy, String cfg, String lr,
      String ema, String norm) {
    double loss = 0;
    double change = 0;
    int seeds = 5;
    for (int seed = 1; seed <= seeds; seed++) {
      SimulatedLearner learner = SimulatedLearner.builder().seed(seed).blockLength(128)
          .tokenScale(20_000).domain("easy", 2_000, 1.0, 2.0, 0.60)
          .domain("hard", 2_000, 1.5, 3.0, 0.25).domain("noisy", 2_000, 3.5, 0.8, 0.40)
          .domain("small", 100, 1.2, 2.5, 0.45).domain("related", 1_000, 1.3, 2.2, 0.40)
          .transfer("related", "hard", 0.3).transfer("hard", "related", 0.2)
          .target(1.4, 2.5, 0.35, java.util.Map.of("related", 0.8, "hard", 0.3, "easy", 0.05))
          .noise(0.01).alignmentNoise(0.5).difficultySpread(0.5).memorisation(0.9).build();
      DataMixer mixer = new DataMixer(registry.create(policy,
          new PolicyContext(learner.domains(), seed, 600, 16), Json.parse(cfg)),
          SamplerOptions.seed(seed));
      List<Simulation.StepRecord> r = new Simulation(mixer, learner, 16).run(600);
      loss += learner.targetLoss() / seeds;
      double c = 0;
      int n = 0;
      for (int t = 10; t < r.size(); t += 10) {
        c += r.get(t).mixture().maxAbsDifference(r.get(t - 10).mixture());
        n++;
      }
      change += c / n / seeds;
    }
    return String.format(Locale.ROOT, "| %s | %s | %s | %.4f | %.4f |", lr, ema, norm, loss,
        change);
  }
}
