package dev.datamix.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.prepare.CorpusPreparer;
import dev.datamix.corpus.prepare.DocumentSource;
import dev.datamix.corpus.prepare.FileSources;
import dev.datamix.tokenizer.ByteTokenizer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hugging Face datasets read through {@code FileSources}, as {@code prepare} reads them. The
 * fixtures were written by {@code src/test/resources/hf/make_fixtures.mjs} with Apache Arrow JS
 * and parquet-wasm, writers independent of this module.
 */
class HuggingFaceSourcesTest {
  @TempDir Path dir;

  static Path fixture(String name) {
    try {
      return Path.of(HuggingFaceSourcesTest.class.getResource("/hf/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The documents make_fixtures.mjs writes (its docs function). */
  static List<String> docs(String prefix, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(prefix + " document " + i + ": caf\u00e9 \uD83D\uDE00 line one\nline two "
          + "x".repeat(i % 7));
    }
    return out;
  }

  static List<String> read(List<DocumentSource> sources) throws IOException {
    List<String> out = new ArrayList<>();
    for (DocumentSource s : sources) {
      s.forEach(out::add);
    }
    return out;
  }

  @Test
  void aSavedDatasetReadsItsShardsInStateOrderSkippingNulls() throws IOException {
    List<DocumentSource> sources = FileSources.under(fixture("saved"), "text", "unused");
    assertEquals(2, sources.size());
    assertTrue(sources.get(0).name().endsWith("data-00000-of-00002.arrow"));
    assertEquals(Optional.of(Split.TRAIN), sources.get(0).fixedSplit());
    List<String> expected = docs("saved", 23);
    expected.set(9, "");
    expected.remove(5); // the null
    assertEquals(expected, read(sources));
  }

  @Test
  void aSavedDatasetDictKeepsItsSplitsAndReadsLargeStrings() throws IOException {
    List<DocumentSource> sources = FileSources.under(fixture("saved_dict"), "text", "unused");
    assertEquals(List.of(Optional.of(Split.TRAIN), Optional.of(Split.VALIDATION),
        Optional.of(Split.TEST)), sources.stream().map(DocumentSource::fixedSplit).toList());
    assertEquals(docs("validation", 6), read(List.of(sources.get(1))));
    assertEquals(docs("train", 30), read(List.of(sources.get(0))));
  }

  @Test
  void parquetFilesStreamInFileOrderWithTheSplitTheirNameGives() throws IOException {
    List<DocumentSource> sources = FileSources.under(fixture("parquet"), "text", "unused");
    assertEquals(2, sources.size()); // test-…, then train-… (path order)
    assertEquals(Optional.of(Split.TEST), sources.get(0).fixedSplit());
    assertEquals(docs("parquet test", 7), read(List.of(sources.get(0)))); // zstd
    List<String> train = docs("parquet", 40);
    train.remove(3); // the null
    assertEquals(train, read(List.of(sources.get(1)))); // snappy, two row groups
  }

  @Test
  void aMissingTextColumnIsNamedWithTheColumnsThereAre() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FileSources.under(fixture("saved"), "content", "unused"));
    assertTrue(e.getMessage().contains("no feature 'content'")
        && e.getMessage().contains("[text, id]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> read(FileSources.under(
        fixture("parquet/test-00000-of-00001.parquet"), "content", "unused")));
    assertTrue(e.getMessage().contains("no column 'content'")
        && e.getMessage().contains("[text, id]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> read(FileSources.under(
        fixture("saved/data-00000-of-00002.arrow"), "id", "unused")));
    assertTrue(e.getMessage().contains("column 'id' holds Int(32, true), not text"),
        e.getMessage());
  }

  @Test
  void aFileThatIsNotArrowIsNamed() throws IOException {
    Path fake = dir.resolve("fake.arrow");
    Files.writeString(fake, "not arrow at all");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> read(FileSources.under(fake, "text", "unused")));
    assertTrue(e.getMessage().contains(fake.toString())
        && e.getMessage().contains("not an Arrow IPC stream file"), e.getMessage());
    Path truncated = dir.resolve("cut.parquet");
    byte[] whole = Files.readAllBytes(fixture("parquet/test-00000-of-00001.parquet"));
    Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
    IOException io = assertThrows(IOException.class,
        () -> read(FileSources.under(truncated, "text", "unused")));
    assertTrue(io.getMessage().contains(truncated.toString()), io.getMessage());
  }

  @Test
  void preparedCorporaHoldTheDocumentsTokenByToken() throws IOException {
    Path out = CorpusPreparer.builder().setOutput(dir.resolve("c")).optBlockLength(16)
        .addDomain("arrow", FileSources.under(fixture("saved_dict"), "text", "unused"))
        .addDomain("parquet", FileSources.under(fixture("parquet"), "text", "unused"))
        .build().run().directory();
    try (Corpus c = Corpus.open(out)) {
      assertEquals(joined(docs("train", 30)), decode(c, 0, Split.TRAIN));
      assertEquals(joined(docs("test", 5)), decode(c, 0, Split.TEST));
      assertEquals(joined(docs("parquet test", 7)), decode(c, 1, Split.TEST));
      long bytes = 0;
      for (String d : docs("train", 30)) {
        bytes += d.getBytes(StandardCharsets.UTF_8).length;
      }
      assertEquals(bytes, c.manifest().domain("arrow").split(Split.TRAIN).bytes());
    }
  }

  static String joined(List<String> docs) {
    StringBuilder s = new StringBuilder();
    docs.forEach(d -> s.append(d).append("<|endoftext|>"));
    return s.toString();
  }

  static String decode(Corpus c, int d, Split split) {
    int[] t = new int[(int) c.tokens(d, split)];
    c.readTokens(d, split, 0, t.length, t, 0);
    return ByteTokenizer.instance().decode(t, 0, t.length);
  }

}
