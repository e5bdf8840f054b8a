package dev.datamix.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.corpus.prepare.CorpusPreparer;
import dev.datamix.corpus.prepare.FileSources;
import dev.datamix.corpus.prepare.PrepareReport;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.OutputExistsException;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prepare never replaces a corpus unless told to, and says what it made of bad input. */
class PrepareSafetyTest {
  @TempDir Path dir;

  private CorpusPreparer.Builder prepare(Path out, Path source) throws IOException {
    return CorpusPreparer.builder().setOutput(out).optBlockLength(8).optSplitFractions(0, 0)
        .addDomain("d", FileSources.under(source, "text", FileSources.DEFAULT_SEPARATOR));
  }

  private Path text(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  @Test
  void anExistingCorpusIsRefusedBeforeAnyTextIsReadAndKeptByteForByte() throws IOException {
    Path src = text("d.txt", "some text that is long enough for blocks\n".getBytes());
    Path out = dir.resolve("corpus");
    prepare(out, src).build().run();
    byte[] manifest = Files.readAllBytes(out.resolve("manifest.json"));
    Files.delete(src); // reading the source would fail: the refusal must come first
    OutputExistsException e = assertThrows(OutputExistsException.class,
        () -> prepare(out, dir).build().run());
    assertEquals("corpus " + out.toAbsolutePath().normalize() + " already holds "
        + "[manifest.json]", e.situation());
    assertTrue(java.util.Arrays.equals(manifest, Files.readAllBytes(out.resolve("manifest.json"))));
  }

  @Test
  void overwriteReplacesACorpusButNeverSomethingElse() throws IOException {
    Path src = text("d.txt", "first version of the text, long enough\n".getBytes());
    Path out = dir.resolve("corpus");
    prepare(out, src).build().run();
    Files.writeString(src, "second version of the text, long enough too\n");
    PrepareReport r = prepare(out, src).optExistingOutput(ExistingOutput.OVERWRITE).build().run();
    assertEquals(44, r.manifest().domain("d").split(Split.TRAIN).bytes());
    Path notes = Files.createDirectories(dir.resolve("notes"));
    Files.writeString(notes.resolve("todo.txt"), "mine");
    OutputExistsException e = assertThrows(OutputExistsException.class,
        () -> prepare(notes, src).optExistingOutput(ExistingOutput.OVERWRITE).build().run());
    assertTrue(e.getMessage().contains("is not a datamix corpus"), e.getMessage());
    assertEquals("mine", Files.readString(notes.resolve("todo.txt")));
  }

  @Test
  void anEmptyOutputDirectoryIsFilled() throws IOException {
    Path src = text("d.txt", "text long enough for at least one block\n".getBytes());
    Path out = Files.createDirectories(dir.resolve("empty"));
    prepare(out, src).build().run();
    assertTrue(Files.exists(out.resolve("manifest.json")));
  }

  @Test
  void invalidUtf8IsCountedPerDomainAndSplitAndWrittenToTheManifest() throws IOException {
    byte[] bad = "caf\u00e9 ok\nbad \u0000\n".getBytes(StandardCharsets.UTF_8);
    bad[bad.length - 2] = (byte) 0xff; // one lone 0xFF
    byte[] more = {'x', (byte) 0xc3, '\n', (byte) 0xe2, (byte) 0x82, 'y', '\n'}; // 2 truncated
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.write(src.resolve("d.train.txt"), concat(bad, "<|endoftext|>\n".getBytes(), more,
        "and more plain text to fill a block\n".getBytes()));
    Files.write(src.resolve("d.val.txt"), "clean validation text\n".getBytes());
    PrepareReport r = prepare(dir.resolve("c"), src).build().run();
    CorpusManifest m = r.manifest();
    assertEquals(3, m.domain("d").split(Split.TRAIN).invalidUtf8());
    assertEquals(0, m.domain("d").split(Split.VALIDATION).invalidUtf8());
    try (Corpus c = Corpus.open(r.directory())) {
      assertEquals(3, c.manifest().domain("d").split(Split.TRAIN).invalidUtf8(),
          "the count is read back from manifest.json");
    }
    assertTrue(r.table().get(0).endsWith("bad utf-8"), r.table().get(0));
    assertTrue(r.table().get(1).endsWith(" 3"), r.table().get(1));
  }

  @Test
  void failOnInvalidUtf8NamesTheSourceTheLineAndTheOption() throws IOException {
    Path src = text("d.txt", concat("good line\nand another\n".getBytes(),
        new byte[] {'b', (byte) 0x80, '\n'}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> prepare(dir.resolve("c"), src).optFailOnInvalidUtf8(true).build().run());
    assertEquals("source " + src + " of domain 'd' is not valid UTF-8: 1 malformed sequence(s) "
        + "in a document, the first on line 3 (failOnInvalidUtf8 is set; without it they become "
        + "U+FFFD and are counted)", e.getMessage());
    assertTrue(Files.notExists(dir.resolve("c")), "nothing is written");
  }

  @Test
  void aDomainWithoutATrainingBlockIsAnErrorNamingItsTokensAndTheBlockLength()
      throws IOException {
    Path src = text("d.txt", "tiny\n".getBytes());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> prepare(dir.resolve("c"), src).build().run());
    assertEquals("domain 'd' has 6 training tokens, not one block of blockLength 8 (a block "
        + "reads 9 tokens): add training text, lower the block length, or leave the domain out",
        e.getMessage());
    assertTrue(Files.notExists(dir.resolve("c")));
  }

  @Test
  void linesAndTextMatchJavasReplacingReaderOnRandomBytes() throws IOException {
    Random random = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      byte[] bytes = new byte[random.nextInt(300)];
      for (int i = 0; i < bytes.length; i++) {
        int k = random.nextInt(10);
        bytes[i] = (byte) (k < 5 ? 'a' + random.nextInt(26) : k == 5 ? '\n' : k == 6 ? '\r'
            : random.nextInt(256));
      }
      Path f = text("r" + trial + ".txt", bytes);
      List<String> expected = new ArrayList<>();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(
          new ByteArrayInputStream(bytes), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          expected.add(line);
        }
      }
      List<String> documents = new ArrayList<>();
      FileSources.of(f, "text", "\u0001never").forEach(documents::add);
      String joined = expected.isEmpty() ? "" : String.join("\n", expected) + "\n";
      assertEquals(joined, documents.isEmpty() ? "" : documents.get(0), "trial " + trial);
    }
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
