package dev.datamix.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run's metrics say beyond curves reaches the HTML report: notices and the Gram matrix. */
class HtmlReportContentTest {
  @TempDir Path dir;

  @Test
  void noticesAndTheLastGramMatrixAreShown() throws IOException {
    Path run = dir.resolve("run");
    Files.createDirectories(run);
    Files.writeString(run.resolve("metrics.jsonl"), String.join("\n",
        "{\"step\":0,\"loss\":2.0,\"lr\":0.001,\"tokens\":8,\"weights\":{\"a\":0.5,\"b\":0.5},"
            + "\"notices\":[\"lfr: the run is too short\"],\"alignmentGram\":[1,2,2,9]}",
        "{\"step\":1,\"loss\":1.9,\"lr\":0.001,\"tokens\":16,\"weights\":{\"a\":0.5,\"b\":0.5}}",
        "{\"step\":2,\"loss\":1.8,\"lr\":0.001,\"tokens\":24,\"weights\":{\"a\":0.6,\"b\":0.4},"
            + "\"alignmentGram\":[4,0.5,0.5,7]}") + "\n");
    RunData data = RunData.read(run);
    assertEquals(List.of("step 0: lfr: the run is too short"), data.notices());
    assertEquals(2, data.gram().get("step").asLong(), "the last one");
    Path html = dir.resolve("report.html");
    HtmlReport.write(List.of(data), "t", html);
    String page = Files.readString(html);
    assertTrue(page.contains("<li>step 0: lfr: the run is too short</li>"), page);
    assertTrue(page.contains("Gram matrix") && page.contains("at step 2")
        && page.contains("<td>0.5000</td><td>7.000</td>"), page);
    assertFalse(page.contains("<td>9.000</td>"), "only the last matrix");
  }
}
