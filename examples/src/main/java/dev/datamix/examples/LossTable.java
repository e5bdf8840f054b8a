package dev.datamix.examples;

import dev.datamix.corpus.Split;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.report.RunData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** Prints a trainer's per-domain validation loss before and after, the examples' common table. */
public final class LossTable {
  private LossTable() {}

  /**
   * Prints one row per training domain: loss before, after (nats/token), after in bits per byte,
   * and the weight the last step was drawn with (from the run's {@code metrics.jsonl}).
   */
  public static void print(MixingTrainer t, Path runDirectory, double[] before, double[] after)
      throws IOException {
    System.out.printf(Locale.ROOT, "%-12s %10s %10s %10s %8s%n", "domain", "before", "after",
        "bits/byte", "weight");
    RunData run = RunData.read(runDirectory);
    for (int d = 0; d < after.length; d++) {
      String name = t.domains().get(d).name();
      System.out.printf(Locale.ROOT, "%-12s %10.4f %10.4f %10.4f %8.3f%n", name, before[d],
          after[d], t.bitsPerByte(after[d], d, Split.VALIDATION), last(run.weights().get(name)));
    }
  }

  private static double last(double[] series) {
    return series == null ? 0 : series[series.length - 1];
  }
}
