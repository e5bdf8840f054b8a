package dev.datamix.examples.lfr;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.examples.ExampleArgs;
import dev.datamix.examples.LossTable;
import dev.datamix.mixture.Domain;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * LFR (Prakriya et al., CoNLL 2025): Learn every block once while recording its loss, Focus on
 * the hardest blocks (the lowest-loss half is dropped), Review everything, then Focus again on
 * the hardest 30%. The trainer sends the per-block losses LFR asks for; the example prints how
 * many blocks of each domain are eligible as the phases change. See {@code
 * examples/lfr/README.md}.
 */
public final class LfrPhases {
  private LfrPhases() {}

  /** Options: {@code --tiny}, {@code --work=DIR}. */
  public static void main(String[] args) throws IOException {
    ExampleArgs a = ExampleArgs.parse("lfr", args);
    a.freshWorkDirectory();
    Path run = a.work().resolve("run");
    // a small corpus, so that the budget covers LFR's ~3 epochs (Learn 1, Focus 0.5, Review 1,
    // two Focus repetitions of 0.3)
    long steps = a.size(300, 240);
    long chunk = steps / 6;
    try (Corpus corpus = Corpus.open(a.tiny() ? a.demoCorpus(20_000, 128)
            : a.demoCorpus(20_000, 64));
        MixingTrainer t = MixingTrainer.builder().setCorpus(corpus)
            .setPolicy(Json.parse("{\"policy\": \"lfr\", \"config\": {\"focus2Reps\": 2}}"))
            .optConfig(a.trainer(steps, "{\"batchSize\": " + a.size(16, 8) + ", \"trainDomains\": "
                + "[\"template\", \"arith\", \"code\", \"noise\", \"small\"]}"))
            .setRunDirectory(run).build()) {
      double[] before = t.evaluate(Split.VALIDATION);
      MixingPolicy lfr = t.mixer().policy();
      StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%6s", "step"));
      for (Domain d : t.domains()) {
        h.append(String.format(Locale.ROOT, " %9s", d.name()));
      }
      System.out.println("eligible blocks per domain (of " + blocks(t) + "):");
      System.out.println(h);
      for (long s = chunk; s <= steps; s += chunk) {
        t.runSteps(Math.min(s, steps));
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%6d", t.step()));
        for (int d = 0; d < t.domains().size(); d++) {
          row.append(String.format(Locale.ROOT, " %9d", lfr.blockSelection(d).size()));
        }
        System.out.println(row);
      }
      t.train();
      double[] after = t.evaluate(Split.VALIDATION);
      LossTable.print(t, run, before, after);
    }
  }

  private static String blocks(MixingTrainer t) {
    StringBuilder b = new StringBuilder();
    for (Domain d : t.domains()) {
      b.append(b.length() == 0 ? "" : ", ").append(d.name()).append(' ').append(d.blocks());
    }
    return b.toString();
  }
}
