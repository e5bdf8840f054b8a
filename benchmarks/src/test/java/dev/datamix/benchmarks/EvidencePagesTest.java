package dev.datamix.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.benchmarks.evidence.EvidencePages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every results page in {@code docs/} either regenerates byte for byte from the raw files
 * committed beside it (a hand edit fails here), or says at its top that it predates the gradient
 * fix and cannot be regenerated.
 */
class EvidencePagesTest {
  static final Path DOCS = Path.of("..", "docs");
  @TempDir Path dir;

  @Test
  void everyRegenerablePageRegeneratesByteForByte() throws IOException {
    for (EvidencePages.Page page : EvidencePages.all(DOCS)) {
      Path copy = dir.resolve(page.name());
      String regenerated = EvidencePages.regenerate(page, copy);
      assertEquals(Files.readString(page.markdown()), regenerated, page.markdown()
          + " differs from what its raw files give: regenerate it with `" + page.regenerate()
          + "`, never edit it by hand");
    }
  }

  @Test
  void everyResultsPageIsRegenerableOrCarriesTheNotice() throws IOException {
    List<Path> regenerable = new ArrayList<>();
    for (EvidencePages.Page p : EvidencePages.all(DOCS)) {
      regenerable.add(p.markdown().normalize());
    }
    List<Path> pages;
    try (Stream<Path> s = Files.walk(DOCS)) {
      pages = s.filter(EvidencePages::isResultsPage).map(Path::normalize).sorted().toList();
    }
    assertTrue(pages.size() >= 15, "found " + pages);
    for (Path page : pages) {
      if (!regenerable.contains(page)) {
        String text = Files.readString(page);
        assertTrue(text.contains(EvidencePages.NOTICE), page + " can neither be regenerated "
            + "from committed raw files nor says that it predates the gradient fix");
      }
    }
  }

  /**
   * The README quotes the leaderboard's rows between {@code <!-- leaderboard -->} and {@code
   * <!-- /leaderboard -->}; each quoted table line must be a line of the regenerable page.
   */
  @Test
  void theReadmeQuotesTheLeaderboardVerbatim() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    int from = readme.indexOf("<!-- leaderboard -->");
    int to = readme.indexOf("<!-- /leaderboard -->");
    assertTrue(from >= 0 && to > from, "README.md has no <!-- leaderboard --> quote");
    List<String> page = Files.readAllLines(DOCS.resolve("leaderboard.md"));
    int quoted = 0;
    for (String line : readme.substring(from, to).split("\n")) {
      if (line.startsWith("|")) {
        assertTrue(page.contains(line), "README.md quotes a leaderboard line that "
            + "docs/leaderboard.md does not hold: " + line);
        quoted++;
      }
    }
    assertTrue(quoted >= 3, "the quote holds " + quoted + " table lines");
  }
}
