package dev.datamix.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.stats.PairedDifference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs named {@code <label>-s<seed>} become policies, paired seed by seed against uniform. */
class PolicyComparisonTest {
  @TempDir Path dir;

  private RunData run(String name, double finalMean) throws IOException {
    Path r = dir.resolve(name);
    Files.createDirectories(r);
    Files.writeString(r.resolve("metrics.jsonl"), "{\"step\":0,\"loss\":2,\"tokens\":8,"
        + "\"weights\":{\"a\":0.5,\"b\":0.5}}\n");
    Files.writeString(r.resolve("curve.jsonl"), String.format(Locale.ROOT,
        "{\"step\":0,\"tokens\":0,\"meanBpb\":8,\"bpb\":{\"a\":8,\"b\":8}}%n"
            + "{\"step\":1,\"tokens\":8,\"meanBpb\":%.4f,\"bpb\":{\"a\":%.4f,\"b\":%.4f}}%n",
        finalMean, finalMean - 0.1, finalMean + 0.1));
    return RunData.read(r);
  }

  @Test
  void seedsPairAcrossLabelsAndTheVerdictNeedsTheIntervalToExcludeZero() throws IOException {
    List<RunData> runs = new ArrayList<>();
    double[] uniform = {3.40, 3.42, 3.45};
    double[] better = {3.37, 3.395, 3.42}; // differences -0.03, -0.025, -0.03
    double[] noisy = {3.30, 3.50, 3.40};
    for (int s = 0; s < 3; s++) {
      runs.add(run("uniform-s" + (s + 1), uniform[s]));
      runs.add(run("better-s" + (s + 1), better[s]));
      runs.add(run("noisy-s" + (s + 1), noisy[s]));
    }
    runs.add(run("lonely", 3.0));
    List<PolicyComparison.Group> groups = PolicyComparison.groups(runs);
    assertEquals(List.of("uniform", "better", "noisy", "lonely"),
        groups.stream().map(PolicyComparison.Group::label).toList());
    assertEquals(List.of(1L, 2L, 3L), groups.get(1).seeds());
    assertEquals(-1L, groups.get(3).seeds().get(0), "a run without a seed suffix");
    PairedDifference b = PolicyComparison.paired(groups.get(1), groups.get(0));
    assertEquals(-0.085 / 3, b.mean(), 1e-9);
    assertTrue(b.below(), b.plain(4));
    PairedDifference n = PolicyComparison.paired(groups.get(2), groups.get(0));
    assertTrue(!n.below() && !n.above(), n.plain(4));
    assertEquals(3.55, PolicyComparison.finals(groups.get(0), "worst")[2], 1e-9,
        "the worst domain of the last point");
    StringBuilder h = new StringBuilder();
    PolicyComparison.render(h, runs);
    String page = h.toString();
    assertTrue(page.contains("beats stratified") && page.contains("no difference shown"), page);
  }
}
