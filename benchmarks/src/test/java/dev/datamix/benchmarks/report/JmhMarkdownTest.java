package dev.datamix.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A benchmark's own step timers (JMH counters, which JMH adds up over iterations) render as the
 * mean of the iterations, and their share of limit pairs each iteration with its limit.
 */
class JmhMarkdownTest {
  @TempDir Path dir;

  @Test
  void stepTimersRenderTheirMeanAndTheirPairedShare() throws IOException {
    String result = """
        [{"jmhVersion": "1.37", "benchmark": "dev.datamix.benchmarks.B.alternateSteps",
          "params": {"changed": "8"},
          "primaryMetric": {"score": 15.0, "scoreError": 1.0, "scoreUnit": "us/op"},
          "secondaryMetrics": {
            "stepMicros": {"score": 60.0, "scoreError": "NaN", "scoreUnit": "#",
              "rawData": [[20.0, 25.0], [15.0]]},
            "stepMicrosLimit": {"score": 30.0, "scoreError": "NaN", "scoreUnit": "#",
              "rawData": [[10.0, 10.0], [12.0]]}}}]
        """;
    Path json = dir.resolve("in.json");
    Files.writeString(json, result);
    Path out = dir.resolve("out.md");
    JmhMarkdown.main(new String[] {json.toString(), dir.resolve("raw").toString(),
        out.toString(), "T", "cmd"});
    String page = Files.readString(out);
    // mean of 20, 25, 15 = 20, half range 5; ratios 0.5, 0.4, 0.8: median 0.5
    assertTrue(page.contains("| B.alternateSteps:stepMicros | changed=8 | 20.000 | 5.000 | "
        + "us/step | 0.50 (0.40-0.80) |"), page);
    assertTrue(page.contains("| B.alternateSteps:stepMicrosLimit | changed=8 | 10.667 | 1.000 "
        + "| us/step | limit |"), page);
    assertTrue(page.contains("| B.alternateSteps | changed=8 | 15.000 | 1.000 | us/op |  |"),
        page);
  }
}
