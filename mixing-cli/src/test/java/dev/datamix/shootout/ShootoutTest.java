package dev.datamix.shootout;

import dev.datamix.report.Chart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import dev.datamix.state.OutputExistsException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShootoutTest {
  @TempDir Path dir;

  private static ShootoutSpec tiny() {
    return new ShootoutSpec("demo", 30_000, 16, (ObjectNode) Json.parse("{\"layers\": 1, "
        + "\"dModel\": 16, \"heads\": 2, \"batchSize\": 4, \"steps\": 6, \"warmupSteps\": 1, "
        + "\"evalBlocksPerDomain\": 2, \"evalBatchSize\": 4}"),
        List.of(new ShootoutSpec.Entry("uniform", Json.parse("{\"policy\": \"uniform\"}")),
            new ShootoutSpec.Entry("proportional",
                Json.parse("{\"policy\": \"proportional\"}"))),
        List.of(1L), 3, "uniform");
  }

  @Test
  void producesTheTablePlotsAndRawRunsAndResumes() throws IOException {
    Path out = dir.resolve("s");
    new Shootout(tiny(), out, null).run();
    ShootoutReport.write(out);
    String report = Files.readString(out.resolve("report.md"));
    assertTrue(report.contains("| uniform |") && report.contains("| proportional |"), report);
    assertTrue(report.contains("tokens to reach"), report);
    for (String plot : List.of("summary", "loss-arith", "loss-noise", "weights-uniform",
        "weights-proportional")) {
      Path png = out.resolve("plots").resolve(plot + ".png");
      Path svg = out.resolve("plots").resolve(plot + ".svg");
      assertTrue(Files.size(png) > 1000 && Files.size(svg) > 1000, plot);
      BufferedImage image = ImageIO.read(png.toFile());
      assertEquals(Chart.WIDTH, image.getWidth(), plot);
      assertEquals(Chart.HEIGHT, image.getHeight(), plot);
    }
    ShootoutSpec read = ShootoutSpec.ofDirectory(out);
    assertEquals(tiny().labels(), read.labels());
    assertEquals(List.of("uniform", "proportional"), read.labels());
    assertEquals(tiny().seeds(), read.seeds());
    assertEquals(tiny().trainer(), read.trainer());
    Path uniformResult = out.resolve("runs/uniform-s1/result.json");
    assertEquals(3, Json.read(uniformResult).get("curve").size(), "steps 0, 3 and 6");
    assertEquals(6, Files.readAllLines(out.resolve("runs/uniform-s1/metrics.jsonl")).size());

    // a crash after the uniform run and during the proportional one: it picks up from there
    FileTime before = Files.getLastModifiedTime(uniformResult);
    Files.delete(out.resolve("runs/proportional-s1/result.json"));
    List<String> curve = Files.readAllLines(out.resolve("runs/proportional-s1/curve.jsonl"));
    assertThrows(OutputExistsException.class, () -> new Shootout(tiny(), out, null).run(),
        "without being told to resume, an existing shoot-out is left alone");
    new Shootout(tiny(), out, null).run(ExistingOutput.RESUME);
    assertEquals(before, Files.getLastModifiedTime(uniformResult), "finished runs are skipped");
    assertTrue(Files.exists(out.resolve("runs/proportional-s1/result.json")));
    assertEquals(curve, Files.readAllLines(out.resolve("runs/proportional-s1/curve.jsonl")));
  }

  @Test
  void uniformIsAlwaysInTheShootoutAndSpecsMustNotChange() throws IOException {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ShootoutSpec("demo", 1, 16, Json.object(),
            List.of(new ShootoutSpec.Entry("p", Json.parse("{\"policy\": \"proportional\"}"))),
            List.of(1L), 3, "p"));
    assertTrue(e.getMessage().contains("uniform"), e.getMessage());
    Path out = dir.resolve("t");
    Files.createDirectories(out);
    Files.writeString(out.resolve("spec.json"), "{\"corpus\": \"other\"}");
    IncompatibleStateException changed = assertThrows(IncompatibleStateException.class,
        () -> new Shootout(tiny(), out, null).run(ExistingOutput.RESUME));
    assertTrue(changed.getMessage().contains("spec.json expected {\"corpus\":\"demo\""),
        changed.getMessage());
  }
}
