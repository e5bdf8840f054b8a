package dev.datamix.examples.quickstart;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.examples.ExampleArgs;
import dev.datamix.examples.LossTable;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Quick start: train the tiny GPT-style model on the built-in demo corpus under a static
 * temperature mix ({@code w ∝ tokens^(1/τ)}, τ = 2) and print each domain's validation loss
 * before and after. See {@code examples/quick-start/README.md}.
 */
public final class QuickStart {
  private QuickStart() {}

  /** Options: {@code --tiny}, {@code --work=DIR}. */
  public static void main(String[] args) throws IOException {
    ExampleArgs a = ExampleArgs.parse("quick-start", args);
    a.freshWorkDirectory();
    Path run = a.work().resolve("run");
    try (Corpus corpus = Corpus.open(a.demoCorpus());
        MixingTrainer trainer = MixingTrainer.builder()
            .setCorpus(corpus)
            .setPolicy(Json.parse("{\"policy\": \"temperature\", \"config\": {\"temperature\": 2}}"))
            .optConfig(a.trainer(a.size(200, 6), "{}"))
            .setRunDirectory(run)
            .build()) {
      double[] before = trainer.evaluate(Split.VALIDATION);
      trainer.train();
      double[] after = trainer.evaluate(Split.VALIDATION);
      System.out.printf("temperature mix, %d steps, %,d tokens:%n", trainer.step(),
          trainer.tokensSeen());
      LossTable.print(trainer, run, before, after);
      System.out.println("metrics (one JSON line per step): " + run.resolve("metrics.jsonl"));
    }
  }
}
