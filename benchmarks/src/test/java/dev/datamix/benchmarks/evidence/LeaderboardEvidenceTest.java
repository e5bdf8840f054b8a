package dev.datamix.benchmarks.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.state.Json;
import dev.datamix.stats.MeanAndSpread;
import dev.datamix.stats.PairedDifference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaderboardEvidenceTest {
  @TempDir Path dir;

  @Test
  void thePageRendersFromItsRawRowsAsItWasWritten() throws IOException {
    List<LeaderboardEvidence.Row> rows = List.of(
        new LeaderboardEvidence.Row("dga", "leaderboard", MeanAndSpread.of(3.1, 3.12, 3.11),
            MeanAndSpread.of(3.6, 3.62, 3.59), MeanAndSpread.of(3.3, 3.31, 3.28),
            PairedDifference.of(new double[] {3.1, 3.12, 3.11}, new double[] {3.2, 3.19, 3.22}),
            0.09, 0),
        new LeaderboardEvidence.Row("uniform", "peers", MeanAndSpread.of(3.2, 3.19, 3.22),
            MeanAndSpread.of(3.7, 3.71, 3.69), new MeanAndSpread(Double.NaN, Double.NaN), null,
            0, 1.5));
    String command = "benchmarks/run-leaderboard.sh";
    Files.writeString(dir.resolve(LeaderboardEvidence.RAW),
        Json.write(LeaderboardEvidence.toJson(rows, List.of(1L, 2L, 3L), command)));
    String page = LeaderboardEvidence.render(dir);
    assertEquals(LeaderboardEvidence.markdown(rows, List.of(1L, 2L, 3L), command), page);
    assertTrue(page.contains("| 1 | dga | 3.1100 ± 0.0100 |"), page);
    assertTrue(page.contains("**beats stratified**"), page);
    assertTrue(page.contains("| 2 | uniform | 3.2033 ± 0.0153 | 3.7000 ± 0.0100 | — | — | "
        + "stratified | +0.0% | 1.5× | peers |"), page);
  }
}
