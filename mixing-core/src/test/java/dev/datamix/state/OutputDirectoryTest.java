package dev.datamix.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputDirectoryTest {
  static final OutputDirectory RUN =
      new OutputDirectory("run directory", List.of("metrics.jsonl", "checkpoints"), true);
  @TempDir Path dir;

  @Test
  void aMissingOrEmptyDirectoryIsClaimedUnderEveryModeButResume() throws IOException {
    assertFalse(RUN.claim(dir.resolve("new"), ExistingOutput.REFUSE));
    assertTrue(Files.isDirectory(dir.resolve("new")));
    assertFalse(RUN.claim(dir.resolve("new"), ExistingOutput.OVERWRITE));
    OutputExistsException e = assertThrows(OutputExistsException.class,
        () -> RUN.claim(dir.resolve("new"), ExistingOutput.RESUME));
    assertTrue(e.getMessage().startsWith("nothing to resume: run directory"), e.getMessage());
  }

  @Test
  void existingWorkIsRefusedAndKeptByDefault() throws IOException {
    Path run = Files.createDirectories(dir.resolve("run"));
    Files.writeString(run.resolve("metrics.jsonl"), "{\"step\": 0}\n");
    OutputExistsException e = assertThrows(OutputExistsException.class,
        () -> RUN.claim(run, ExistingOutput.REFUSE));
    assertEquals("run directory " + run + " already holds [metrics.jsonl]", e.situation());
    assertTrue(e.ours() && e.resumable());
    assertEquals("{\"step\": 0}\n", Files.readString(run.resolve("metrics.jsonl")));
  }

  @Test
  void overwriteDeletesTheWorkCompletelyAndResumeKeepsIt() throws IOException {
    Path run = Files.createDirectories(dir.resolve("run").resolve("checkpoints"));
    Files.writeString(run.resolveSibling("curve.jsonl"), "x\n");
    assertTrue(RUN.claim(run.getParent(), ExistingOutput.RESUME));
    assertTrue(Files.exists(run.resolveSibling("curve.jsonl")));
    assertTrue(RUN.claim(run.getParent(), ExistingOutput.OVERWRITE));
    try (var s = Files.list(run.getParent())) {
      assertEquals(0, s.count(), "nothing of the old run is left");
    }
  }

  @Test
  void aDirectoryThatIsNotOursIsNeverDeleted() throws IOException {
    Path mine = Files.createDirectories(dir.resolve("home"));
    Files.writeString(mine.resolve("thesis.tex"), "years of work");
    for (ExistingOutput mode : ExistingOutput.values()) {
      OutputExistsException e = assertThrows(OutputExistsException.class,
          () -> RUN.claim(mine, mode));
      assertFalse(e.ours());
      assertTrue(e.getMessage().contains("is not a datamix run directory"), e.getMessage());
    }
    assertEquals("years of work", Files.readString(mine.resolve("thesis.tex")));
  }

  @Test
  void aFileInThePlaceOfTheDirectoryIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("run"), "a file");
    OutputExistsException e = assertThrows(OutputExistsException.class,
        () -> RUN.claim(file, ExistingOutput.OVERWRITE));
    assertTrue(e.getMessage().contains("exists and is not a directory"), e.getMessage());
    assertEquals("a file", Files.readString(file));
  }

  @Test
  void workThatCannotResumeSaysSo() {
    OutputDirectory corpus = new OutputDirectory("corpus", List.of("manifest.json"), false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> corpus.claim(dir.resolve("c"), ExistingOutput.RESUME));
    assertTrue(e.getMessage().contains("cannot be resumed"), e.getMessage());
  }
}
