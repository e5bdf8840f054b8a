package dev.datamix.corpus.megatron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.CorpusException;
import dev.datamix.corpus.MegatronIndex;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.TokenDtype;
import dev.datamix.corpus.prepare.CorpusPreparer;
import dev.datamix.state.Json;
import dev.datamix.tokenizer.ByteTokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Megatron indexed datasets read in place: the fixture written by {@code make_fixture.py} (an
 * independent writer using only Python's {@code struct}), attached as a domain, and every
 * corruption named.
 */
class MegatronIndexTest {
  @TempDir Path dir;

  /** Copies fixture {@code name} ({@code .bin}, {@code .idx}) into the temp directory. */
  private Path fixture(String name) throws IOException {
    for (String ext : new String[] {".bin", ".idx"}) {
      try (var in = getClass().getResourceAsStream("/megatron/" + name + ext)) {
        Files.copy(in, dir.resolve(name + ext));
      }
    }
    return dir.resolve(name);
  }

  private static List<String> expectedDocuments() throws IOException {
    try (var in = MegatronIndexTest.class.getResourceAsStream("/megatron/tiny.expected.json")) {
      JsonNode root = Json.mapper().readTree(in);
      List<String> out = new ArrayList<>();
      root.get("documents").forEach(d -> out.add(d.asText()));
      return out;
    }
  }

  @Test
  void theFixtureReadsAsItsWriterLaidItOut() throws IOException {
    for (String name : new String[] {"tiny_uint16", "tiny_int32"}) {
      MegatronIndex index = MegatronIndex.open(fixture(name));
      index.verify();
      assertEquals(name.endsWith("uint16") ? TokenDtype.UINT16 : TokenDtype.INT32,
          index.dtype());
      assertEquals(6, index.sequences()); // document 1 has two sequences
      assertEquals(5, index.documents());
      List<String> docs = expectedDocuments();
      long total = 0;
      for (String d : docs) {
        total += d.getBytes(StandardCharsets.UTF_8).length + 1; // and the EOD token
      }
      assertEquals(total, index.tokens());
      long[] lengths = new long[5];
      index.forEachDocument(0, 5, (doc, first, tokens) -> lengths[(int) doc] = tokens);
      for (int i = 0; i < 5; i++) {
        assertEquals(docs.get(i).getBytes(StandardCharsets.UTF_8).length + 1, lengths[i]);
      }
    }
  }

  @Test
  void anAttachedDomainReadsTheDocumentsInPlaceWithMegatronsSplit() throws IOException {
    Path prefix = fixture("tiny_uint16");
    Path corpus = CorpusPreparer.builder().setOutput(dir.resolve("c")).optBlockLength(8)
        .addMegatronDomain("web", List.of(new MegatronDomains.Source(prefix, null)))
        .optMegatronSplit(3, 1, 1).build().run().directory();
    List<String> docs = expectedDocuments();
    // Megatron's split of 5 documents by 3,1,1: rounded cumulative shares [0, 3, 4, 5]
    assertArrayEquals(new long[] {0, 3, 4, 5}, MegatronDomains.splitBoundaries(5,
        new double[] {3, 1, 1}));
    try (Corpus c = Corpus.open(corpus)) {
      assertEquals(text(docs.subList(0, 3)), decode(c, Split.TRAIN));
      assertEquals(text(docs.subList(3, 4)), decode(c, Split.VALIDATION));
      assertEquals(text(docs.subList(4, 5)), decode(c, Split.TEST));
      // bytes counted by decoding: the documents' UTF-8 bytes, EOD tokens left out
      long bytes = 0;
      for (String d : docs.subList(0, 3)) {
        bytes += d.getBytes(StandardCharsets.UTF_8).length;
      }
      assertEquals(bytes, c.manifest().domain("web").split(Split.TRAIN).bytes());
      assertEquals(3, c.manifest().domain("web").split(Split.TRAIN).documents());
      assertTrue(c.hasBytes(0, Split.TRAIN));
    }
    // nothing was copied: the corpus directory holds only its manifest
    try (var files = Files.list(corpus)) {
      assertEquals(List.of("manifest.json"), files.map(p -> p.getFileName().toString())
          .toList());
    }
  }

  @Test
  void aDatasetGivenForOneSplitGoesIntoItWholeAndBytesMayBeLeftUncounted() throws IOException {
    Path train = fixture("tiny_uint16");
    Path val = fixture("tiny_int32");
    Path corpus = CorpusPreparer.builder().setOutput(dir.resolve("c")).optBlockLength(8)
        .addMegatronDomain("web", List.of(new MegatronDomains.Source(train, Split.TRAIN),
            new MegatronDomains.Source(val, Split.VALIDATION)))
        .optCountMegatronBytes(false).build().run().directory();
    try (Corpus c = Corpus.open(corpus)) {
      assertEquals(text(expectedDocuments()), decode(c, Split.TRAIN));
      assertEquals(text(expectedDocuments()), decode(c, Split.VALIDATION));
      assertEquals(0, c.tokens(0, Split.TEST));
      assertTrue(Double.isNaN(c.bitsPerByte(1.0, 0, Split.TRAIN)));
    }
  }

  @Test
  void megatronAndNativeDomainsMixInOneCorpus() throws IOException {
    Path prefix = fixture("tiny_uint16");
    Path corpus = CorpusPreparer.builder().setOutput(dir.resolve("c")).optBlockLength(8)
        .addDomain("text", List.of(dev.datamix.testkit.CorpusFixtures.docs("t", Split.TRAIN,
            dev.datamix.testkit.CorpusFixtures.numbered("t", 10, 50))))
        .addMegatronDomain("web", List.of(new MegatronDomains.Source(prefix, Split.TRAIN)))
        .build().run().directory();
    try (Corpus c = Corpus.open(corpus)) {
      assertEquals(List.of("text", "web"), c.domainNames());
      assertEquals(text(expectedDocuments()), decode(c, Split.TRAIN, 1));
    }
  }

  @Test
  void aChangedDatasetIsRefusedWhenTheCorpusOpens() throws IOException {
    Path prefix = fixture("tiny_uint16");
    Path corpus = CorpusPreparer.builder().setOutput(dir.resolve("c")).optBlockLength(8)
        .addMegatronDomain("web", List.of(new MegatronDomains.Source(prefix, Split.TRAIN)))
        .build().run().directory();
    Path shorter = dir.resolve("shorter");
    try (MegatronWriter w = new MegatronWriter(shorter, 257)) {
      w.addDocument(new int[] {65, 66, 67, 256}, 0, 4);
      w.addDocument(new int[] {65, 256}, 0, 2);
      w.addDocument(new int[] {65, 256}, 0, 2);
      w.addDocument(new int[] {65, 256}, 0, 2);
      w.addDocument(new int[] {65, 256}, 0, 2);
    }
    for (boolean idx : new boolean[] {true, false}) {
      Path from = idx ? MegatronIndex.idxFile(shorter) : MegatronIndex.binFile(shorter);
      Path to = idx ? MegatronIndex.idxFile(prefix) : MegatronIndex.binFile(prefix);
      Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    CorpusException e = assertThrows(CorpusException.class, () -> Corpus.open(corpus));
    assertTrue(e.getMessage().contains("hold 12 tokens but the manifest records 136")
        && e.getMessage().contains("replaced or changed"), e.getMessage());
  }

  @Test
  void badMagicIsNamed() throws IOException {
    Path p = fixture("tiny_uint16");
    corruptIdx(p, 0, new byte[] {'X'});
    CorpusException e = assertThrows(CorpusException.class, () -> MegatronIndex.open(p));
    assertTrue(e.getMessage().contains("does not start with the magic")
        && e.getMessage().contains("XMIDIDX"), e.getMessage());
  }

  @Test
  void anotherVersionIsNamed() throws IOException {
    Path p = fixture("tiny_uint16");
    corruptIdx(p, 9, new byte[] {2});
    CorpusException e = assertThrows(CorpusException.class, () -> MegatronIndex.open(p));
    assertTrue(e.getMessage().contains("version 2, expected 1"), e.getMessage());
  }

  @Test
  void unknownAndFloatDtypesAreNamed() throws IOException {
    Path p = fixture("tiny_uint16");
    corruptIdx(p, 17, new byte[] {9});
    CorpusException e = assertThrows(CorpusException.class, () -> MegatronIndex.open(p));
    assertTrue(e.getMessage().contains("dtype code 9"), e.getMessage());
    corruptIdx(p, 17, new byte[] {7});
    e = assertThrows(CorpusException.class, () -> MegatronIndex.open(p));
    assertTrue(e.getMessage().contains("dtype code 7 (float32)")
        && e.getMessage().contains("cannot hold token ids"), e.getMessage());
  }

  @Test
  void aTruncatedBinIsNamed() throws IOException {
    Path p = fixture("tiny_uint16");
    Path bin = MegatronIndex.binFile(p);
    long size = Files.size(bin);
    try (FileChannel ch = FileChannel.open(bin, StandardOpenOption.WRITE)) {
      ch.truncate(size - 2);
    }
    CorpusException e = assertThrows(CorpusException.class, () -> MegatronIndex.open(p));
    assertTrue(e.getMessage().contains(bin.toString()) && e.getMessage().contains((size - 2)
        + " bytes") && e.getMessage().contains("ends at byte " + size)
        && e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void aTruncatedIdxIsNamed() throws IOException {
    Path p = fixture("tiny_uint16");
    Path idx = MegatronIndex.idxFile(p);
    try (FileChannel ch = FileChannel.open(idx, StandardOpenOption.WRITE)) {
      ch.truncate(Files.size(idx) - 8);
    }
    CorpusException e = assertThrows(CorpusException.class, () -> MegatronIndex.open(p));
    assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
  }

  @Test
  void anOffsetPastTheEndIsNamed() throws IOException {
    Path p = fixture("tiny_uint16");
    // sequence 2's pointer (the second array starts after the header and 6 int32 lengths)
    long at = 34 + 4 * 6 + 8 * 2;
    corruptIdx(p, at, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(100_000)
        .array());
    MegatronIndex index = MegatronIndex.open(p); // the O(1) checks see only the last sequence
    CorpusException e = assertThrows(CorpusException.class, index::verify);
    assertTrue(e.getMessage().contains("sequence 2 at byte offset 100000")
        && e.getMessage().contains("offset past the end"), e.getMessage());
  }

  @Test
  void documentIndicesOutOfOrderAreNamed() throws IOException {
    Path p = fixture("tiny_uint16");
    long at = 34 + 12 * 6 + 8 * 2; // document index 2
    corruptIdx(p, at, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0).array());
    CorpusException e = assertThrows(CorpusException.class,
        () -> MegatronIndex.open(p).verify());
    assertTrue(e.getMessage().contains("document index 2 = 0"), e.getMessage());
  }

  @Test
  void attachingRefusesTokensOutsideTheVocabulary() throws IOException {
    Path p = fixture("tiny_int32");
    long at = 12; // the fourth token (int32)
    try (FileChannel ch = FileChannel.open(MegatronIndex.binFile(p), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 70_000), at);
    }
    CorpusException e = assertThrows(CorpusException.class, () -> CorpusPreparer.builder()
        .setOutput(dir.resolve("c")).optBlockLength(8)
        .addMegatronDomain("web", List.of(new MegatronDomains.Source(p, Split.TRAIN)))
        .build().run());
    assertTrue(e.getMessage().contains("token id 70000 >= vocabSize 257")
        && e.getMessage().contains("byte offset 12"), e.getMessage());
    assertTrue(Files.notExists(dir.resolve("c")));
  }

  private static void corruptIdx(Path prefix, long at, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(MegatronIndex.idxFile(prefix),
        StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes), at);
    }
  }

  static String text(List<String> documents) {
    StringBuilder s = new StringBuilder();
    for (String d : documents) {
      s.append(d).append("<|endoftext|>");
    }
    return s.toString();
  }

  static String decode(Corpus c, Split split) {
    return decode(c, split, 0);
  }

  static String decode(Corpus c, Split split, int domain) {
    int n = (int) c.tokens(domain, split);
    int[] tokens = new int[n];
    c.readTokens(domain, split, 0, n, tokens, 0);
    return ByteTokenizer.instance().decode(tokens, 0, n);
  }
}
