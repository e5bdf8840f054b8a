package dev.datamix.examples;

import dev.datamix.testkit.Console;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {
  @TempDir Path dir;

  @Test
  void quickDemoTrainsThreePoliciesAndWritesTheReport() throws Exception {
    Path out = dir.resolve("demo");
    Console.Captured<List<Demo.Row>> run = Console.capture(
        () -> Demo.run(Demo.Options.parse("--quick", "--steps=12", "--out=" + out)));
    List<Demo.Row> rows = run.value();
    String printed = run.out();
    assertEquals(List.of("uniform", "proportional", "dga"),
        rows.stream().map(Demo.Row::label).toList());
    for (Demo.Row r : rows) {
      assertTrue(Double.isFinite(r.meanBpb()) && r.meanBpb() > 0, r.toString());
      assertTrue(Double.isFinite(r.targetBpb()) && r.targetBpb() > 0, r.toString());
      assertTrue(printed.contains(String.format(java.util.Locale.ROOT, "%9.4f", r.meanBpb())),
          "the table prints the measured mean of " + r.label() + "\n" + printed);
    }
    Demo.Row uniform = rows.get(0);
    for (double w : uniform.finalWeights()) {
      assertEquals(1.0 / uniform.finalWeights().length, w, 1e-12);
    }
    assertNotEquals(uniform.finalWeights()[0], rows.get(2).finalWeights()[0],
        "dga moved its weights away from the uniform start");
    Path html = out.resolve("report.html");
    assertTrue(printed.contains("report: " + html.toAbsolutePath()), printed);
    String page = Files.readString(html);
    assertTrue(page.contains("<svg") && page.contains("Mixture weights")
        && page.contains("Held-out loss per domain"), "report charts");
    assertTrue(!page.contains("<script") && !page.contains("src=\"http"), "self-contained");

    // a second run replaces the first; a directory that is not a demo output is refused
    Demo.run(Demo.Options.parse("--quick", "--steps=6", "--out=" + out));
    assertTrue(Files.readString(out.resolve("runs/uniform-s1/result.json"))
        .contains("\"steps\" : 6"));
    Files.createDirectories(dir.resolve("mine"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Demo.run(Demo.Options.parse("--quick", "--out=" + dir.resolve("mine"))));
    assertTrue(e.getMessage().contains("is not a demo output"), e.getMessage());
  }

  @Test
  void badOptionsAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Demo.Options.parse("--stpes=4"));
    assertTrue(e.getMessage().contains("'--stpes'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Demo.Options.parse("--steps=0"));
    assertTrue(e.getMessage().contains("--steps must be > 0, got 0"), e.getMessage());
    assertEquals(300, Demo.Options.parse().steps());
    assertEquals(40, Demo.Options.parse("--quick").steps());
  }
}
