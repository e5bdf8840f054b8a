package dev.datamix.examples;

import dev.datamix.corpus.BatchAssembler;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.corpus.prepare.PrepareReport;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.sampler.MixtureSampler;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.sim.SimulatedLearner;
import dev.datamix.sim.Simulation;
import dev.datamix.state.Json;
import dev.datamix.tokenizer.ByteTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The README's first command: generates the built-in demo corpus and shows the data path (sample,
 * assemble, decode), then runs the registered static policies against datamix's simulated
 * learner and prints what each mixture did to every domain's held-out loss.
 *
 * <p>Every number printed is computed by this run. The learner is the analytic model in {@link
 * SimulatedLearner} (no neural network): the DJL trainer replaces it once {@code mixing-djl} lands.
 *
 * <p>Options: {@code --steps=N} (default 400), {@code --batch=B} (default 32), {@code --seed=S}.
 */
public final class Demo {
  private Demo() {}

  /** Runs the demo. */
  public static void main(String[] args) {
    long steps = 400;
    int batch = 32;
    long seed = 1;
    for (String a : args) {
      String[] kv = a.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("expected --name=value, got '" + a + "'");
      }
      switch (kv[0]) {
        case "--steps" -> steps = Long.parseLong(kv[1]);
        case "--batch" -> batch = Integer.parseInt(kv[1]);
        case "--seed" -> seed = Long.parseLong(kv[1]);
        default -> throw new IllegalArgumentException(
            "unknown option '" + kv[0] + "'; known: --steps, --batch, --seed");
      }
    }
    showDataPath(seed);
    run(steps, batch, seed);
  }

  /**
   * Generates the built-in demo corpus, prints its report, and draws, assembles and decodes one
   * block of every domain: the data path a trainer uses.
   */
  static void showDataPath(long seed) {
    try {
      Path dir = Path.of("target", "demo-corpus");
      PrepareReport report = DemoCorpus.write(dir, 100_000, 128, seed);
      System.out.println("built-in demo corpus (byte tokenizer) in " + dir.toAbsolutePath() + ":");
      report.table().forEach(System.out::println);
      try (Corpus corpus = Corpus.open(dir)) {
        List<Domain> domains = corpus.domains(Split.TRAIN);
        List<String> names = Domain.names(domains);
        MixtureSampler sampler = new MixtureSampler(domains, SamplerOptions.seed(seed));
        BatchAssembler assembler = new BatchAssembler(corpus, Split.TRAIN, 1);
        BlockBatch one = new BlockBatch(1);
        System.out.println("one sampled block per domain (first 60 characters):");
        for (int d = 0; d < names.size(); d++) {
          sampler.draw(d, Mixture.oneHot(names, names.get(d)), 1, one);
          assembler.assemble(one);
          String text = ByteTokenizer.instance().decode(assembler.tokens(), 0, 60);
          System.out.printf(Locale.ROOT, "  %-10s block %5d: %s%n", names.get(d), one.block(0),
              text.replace("\n", "\\n"));
        }
      }
      System.out.println();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** One policy's outcome: its name and each domain's held-out loss after training. */
  record Row(String policy, double[] heldOutLoss, double[] initialLoss) {}

  static List<Row> run(long steps, int batch, long seed) {
    List<Row> rows = new java.util.ArrayList<>();
    PolicyRegistry registry = PolicyRegistry.load();
    SimulatedLearner template = SimulatedLearner.demo(seed);
    List<Domain> domains = template.domains();
    List<String> names = Domain.names(domains);
    System.out.println("datamix demo: registered policies " + registry.names());
    System.out.printf(Locale.ROOT, "simulated learner, %d domains, %d steps x %d blocks of %d "
        + "tokens, seed %d%n", domains.size(), steps, batch, template.blockLength(), seed);
    System.out.println("domains: " + domains);
    System.out.printf(Locale.ROOT, "irreducible loss floor per domain: %s%n",
        fmt(template.irreducibleLoss()));
    System.out.printf(Locale.ROOT, "held-out loss at step 0:           %s%n%n",
        fmt(template.expectedHeldOutLoss()));

    String[][] specs = {
        {"uniform", "{}"},
        {"proportional", "{}"},
        {"temperature", "{\"temperature\": 3}"},
        {"piecewise", "{\"segments\": [{\"startStep\": 0, \"weights\": "
            + "{\"easy\": 1, \"hard\": 1, \"noisy\": 1, \"small\": 1, \"related\": 1}}, "
            + "{\"startStep\": " + steps / 2 + ", \"weights\": "
            + "{\"easy\": 1, \"hard\": 3, \"noisy\": 0, \"small\": 1, \"related\": 2}}]}"},
        {"dga", "{\"updateEvery\": 10}"},
        {"lfr", "{}"}};
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-13s", "policy"));
    for (String n : names) {
      header.append(String.format(Locale.ROOT, " %8s", n));
    }
    header.append(String.format(Locale.ROOT, " %8s %8s  %s", "mean", "target", "final mixture"));
    System.out.println("held-out loss after training (nats/token, noise-free):");
    System.out.println(header);
    for (String[] spec : specs) {
      SimulatedLearner learner = SimulatedLearner.demo(seed);
      var policy = registry.create(spec[0], new PolicyContext(domains, seed, steps, batch),
          Json.parse(spec[1]));
      DataMixer mixer = new DataMixer(policy, SamplerOptions.seed(seed));
      List<Simulation.StepRecord> records = new Simulation(mixer, learner, batch).run(steps);
      Mixture last = records.get(records.size() - 1).mixture();
      double[] loss = learner.expectedHeldOutLoss();
      double mean = 0;
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-13s", spec[0]));
      for (double l : loss) {
        row.append(String.format(Locale.ROOT, " %8.4f", l));
        mean += l / loss.length;
      }
      row.append(String.format(Locale.ROOT, " %8.4f %8.4f  %s", mean, learner.targetLoss(),
          last));
      System.out.println(row);
      rows.add(new Row(spec[0], loss, template.expectedHeldOutLoss()));
    }
    System.out.println();
    System.out.println("dga steers toward the learner's target task (learned mostly from "
        + "'related'). lfr weights domains by their eligible blocks and starts with one Learn "
        + "epoch over every block before it focuses on the hardest ones, so a short run matches "
        + "the proportional mix.");
    System.out.println("The same policies train a real GPT-style model with mixing-djl's "
        + "MixingTrainer (docs/trainer.md); the shoot-out compares them (docs/shootout.md).");
    return rows;
  }

  private static String fmt(double[] v) {
    StringBuilder sb = new StringBuilder();
    for (double x : v) {
      sb.append(String.format(Locale.ROOT, "%8.4f", x));
    }
    return sb.toString();
  }
}
