package dev.datamix.examples.continual;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.examples.ExampleArgs;
import dev.datamix.mixture.Domain;
import dev.datamix.schedule.LearningRateSchedule;
import dev.datamix.schedule.Schedules;
import dev.datamix.state.Json;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * Continual pre-training (Ibrahim et al., TMLR 2024): phase A trains on {@code template} and
 * {@code arith}; phase B switches to {@code code} and {@code small}, resets AdamW's moments and
 * re-warms then re-decays the learning rate. The plan runs twice, without replay and with 25%
 * compute-equivalent replay of phase A's data, and prints how much of phase A's loss each run
 * forgot during phase B. See {@code examples/continual/README.md}.
 */
public final class ContinualReplay {
  private ContinualReplay() {}

  /** Options: {@code --tiny}, {@code --work=DIR}. */
  public static void main(String[] args) throws IOException {
    ExampleArgs a = ExampleArgs.parse("continual", args);
    a.freshWorkDirectory();
    long phaseSteps = a.size(150, 4);
    List<String> phaseA = List.of("template", "arith");
    try (Corpus corpus = Corpus.open(a.demoCorpus())) {
      System.out.printf(Locale.ROOT, "%-10s %-8s %-10s %12s %12s %10s %12s%n", "batches",
          "replay", "domain", "end of A", "end of B", "forgot", "B's mean");
      for (String allocation : List.of("random", "exact")) {
      for (double replay : new double[] {0, 0.25}) {
        String plan = "{\"policy\": \"continual\", \"config\": {\"phases\": ["
            + "{\"name\": \"A\", \"domains\": [\"template\", \"arith\"], \"steps\": " + phaseSteps
            + "}, {\"name\": \"B\", \"domains\": [\"code\", \"small\"], \"steps\": " + phaseSteps
            + ", \"replay\": " + replay + ", \"resetOptimizer\": true}]}}";
        // rewarm to the peak over 10% of each phase, then cosine-decay to the minimum
        LearningRateSchedule schedule = Schedules.rewarmRedecay(new long[] {0, phaseSteps},
            2 * phaseSteps, 3e-3, 0.1, 3e-4);
        try (MixingTrainer t = MixingTrainer.builder().setCorpus(corpus)
            .setPolicy(Json.parse(plan))
            .optConfig(a.trainer(2 * phaseSteps, "{\"trainDomains\": [\"template\", \"arith\", "
                + "\"code\", \"small\"], \"allocation\": \"" + allocation + "\"}"))
            .optSchedule(schedule)
            .setRunDirectory(a.work().resolve(allocation + "-replay-" + replay))
            .build()) {
          t.runSteps(phaseSteps);
          double[] endOfA = t.evaluate(Split.VALIDATION);
          t.train();
          double[] endOfB = t.evaluate(Split.VALIDATION);
          double meanB = (endOfB[index(t, "code")] + endOfB[index(t, "small")]) / 2;
          for (String d : phaseA) {
            int i = index(t, d);
            System.out.printf(Locale.ROOT, "%-10s %-8.2f %-10s %12.4f %12.4f %+10.4f %12.4f%n",
                allocation, replay, d, endOfA[i], endOfB[i], endOfB[i] - endOfA[i], meanB);
          }
        }
      }
      }
    }
    System.out.println("losses in nats/token on the validation split; 'forgot' = end of B - end "
        + "of A (positive = forgotten). B's mean: the new domains' loss at the end. batches: "
        + "random = independent draws (replay 25% on average), exact = every batch's counts.");
  }

  private static int index(MixingTrainer t, String domain) {
    return Domain.names(t.domains()).indexOf(domain);
  }
}
