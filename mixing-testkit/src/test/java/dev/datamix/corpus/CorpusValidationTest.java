package dev.datamix.corpus;

import dev.datamix.testkit.CorpusFixtures;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.prepare.CorpusPreparer;
import dev.datamix.state.Json;
import dev.datamix.tokenizer.ByteTokenizer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusValidationTest {
  @TempDir Path dir;

  private Path prepared() throws IOException {
    return CorpusPreparer.builder().setOutput(dir.resolve("c")).optBlockLength(16)
        .addDomain("a", List.of(CorpusFixtures.docs("a", Split.TRAIN,
            CorpusFixtures.numbered("a", 30, 400))))
        .addDomain("b", List.of(CorpusFixtures.docs("b", Split.TRAIN,
            CorpusFixtures.numbered("b", 3, 40))))
        .build().run().directory();
  }

  private static Path firstShard(Path corpus, String domain) throws IOException {
    try (var s = Files.list(corpus.resolve(domain))) {
      return s.filter(p -> p.getFileName().toString().startsWith("train")).sorted()
          .findFirst().orElseThrow();
    }
  }

  @Test
  void shardWithAPartialTokenIsReportedWithFileAndOffset() throws IOException {
    Path c = prepared();
    Path shard = firstShard(c, "a");
    long size = Files.size(shard);
    try (FileChannel ch = FileChannel.open(shard, StandardOpenOption.WRITE)) {
      ch.truncate(size - 1);
    }
    CorpusException e = assertThrows(CorpusException.class, () -> Corpus.open(c));
    assertTrue(e.getMessage().contains(shard.toString())
        && e.getMessage().contains("not a multiple of 2")
        && e.getMessage().contains("byte offset " + (size - 2)), e.getMessage());
  }

  @Test
  void shardShorterThanTheManifestIsTruncatedNotShortened() throws IOException {
    Path c = prepared();
    Path shard = firstShard(c, "a");
    long size = Files.size(shard);
    try (FileChannel ch = FileChannel.open(shard, StandardOpenOption.WRITE)) {
      ch.truncate(size - 2);
    }
    CorpusException e = assertThrows(CorpusException.class, () -> Corpus.open(c));
    assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains(shard.toString())
        && e.getMessage().contains(String.valueOf(size / 2)), e.getMessage());
  }

  private static void writeToken(Path shard, long index, int value) throws IOException {
    try (FileChannel ch = FileChannel.open(shard, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
      b.putShort((short) value).flip();
      ch.write(b, index * 2);
    }
  }

  @Test
  void tokenOutsideTheVocabularyIsFoundByTheSampleOnOpen() throws IOException {
    Path c = prepared();
    Path shard = firstShard(c, "a");
    writeToken(shard, 3, 60_000);
    CorpusException e = assertThrows(CorpusException.class, () -> Corpus.open(c));
    assertTrue(e.getMessage().contains(shard.toString()) && e.getMessage().contains("60000")
        && e.getMessage().contains("at token 3 (byte offset 6)"), e.getMessage());
  }

  @Test
  void tokenOutsideTheVocabularyAnywhereIsFoundByTheFullScan() throws IOException {
    Path c = prepared();
    Path shard = firstShard(c, "a");
    long middle = Files.size(shard) / 2 / 2;
    writeToken(shard, middle, 257);
    CorpusManifest m = CorpusManifest.fromJson(Json.read(c.resolve("manifest.json")), "m");
    try (Corpus corpus = Corpus.open(c, m, TokenShard.DEFAULT_WINDOW_BITS, false)) {
      CorpusException e = assertThrows(CorpusException.class, corpus::verifyVocabulary);
      assertTrue(e.getMessage().contains("token id 257 >= vocabSize 257 at token " + middle
          + " (byte offset " + middle * 2 + ")"), e.getMessage());
    }
  }

  @Test
  void manifestNamingAMissingFileFailsNamingIt() throws IOException {
    Path c = prepared();
    Path shard = firstShard(c, "b");
    Files.delete(shard);
    CorpusException e = assertThrows(CorpusException.class, () -> Corpus.open(c));
    assertTrue(e.getMessage().contains(shard.toString())
        && e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void missingAndMalformedManifestsAreClearErrors() throws IOException {
    CorpusException none = assertThrows(CorpusException.class, () -> Corpus.open(dir));
    assertTrue(none.getMessage().contains("no corpus manifest"), none.getMessage());
    Path c = prepared();
    ObjectNode m = (ObjectNode) Json.read(c.resolve("manifest.json"));
    m.put("dtype", "float32");
    Files.writeString(c.resolve("manifest.json"), Json.write(m));
    CorpusException e = assertThrows(CorpusException.class, () -> Corpus.open(c));
    assertTrue(e.getMessage().contains("manifest.json") && e.getMessage().contains("float32"),
        e.getMessage());
    m.put("dtype", "uint16").put("formatVersion", 9);
    Files.writeString(c.resolve("manifest.json"), Json.write(m));
    CorpusException v = assertThrows(CorpusException.class, () -> Corpus.open(c));
    assertTrue(v.getMessage().contains("expected <= 1 but found 9"), v.getMessage());
  }

  @Test
  void domainSmallerThanOneBatchIsNamed() throws IOException {
    try (Corpus c = Corpus.open(prepared())) {
      long blocksOfB = c.blocks(1, Split.TRAIN);
      c.requireBlocks(Split.TRAIN, (int) blocksOfB);
      CorpusException e = assertThrows(CorpusException.class,
          () -> c.requireBlocks(Split.TRAIN, (int) blocksOfB + 1));
      assertTrue(e.getMessage().contains("domain 'b' has " + blocksOfB + " blocks in split train"),
          e.getMessage());
      CorpusException empty = assertThrows(CorpusException.class,
          () -> c.domains(Split.VALIDATION));
      assertTrue(empty.getMessage().contains("no block in split val"), empty.getMessage());
      assertThrows(IndexOutOfBoundsException.class,
          () -> c.readBlock(1, Split.TRAIN, blocksOfB, new int[17], 0));
    }
  }

  @Test
  void readsAcrossMappingWindowsMatchAPlainRead() throws IOException {
    Path c = prepared();
    CorpusManifest manifest = CorpusManifest.fromJson(Json.read(c.resolve("manifest.json")), "m");
    int[] small = new int[5000];
    int[] normal = new int[5000];
    try (Corpus windowed = Corpus.open(c, manifest, 6, true); Corpus plain = Corpus.open(c)) {
      long n = Math.min(5000, plain.tokens(0, Split.TRAIN));
      windowed.readTokens(0, Split.TRAIN, 0, (int) n, small, 0);
      plain.readTokens(0, Split.TRAIN, 0, (int) n, normal, 0);
      assertArrayEquals(normal, small);
    }
  }

  @Test
  void filesLargerThan2GibAreMappedInWindows() throws IOException {
    long tokens = (5L << 30) / 2; // 2.5 GiB of uint16, sparse
    Path corpus = dir.resolve("big");
    Files.createDirectories(corpus.resolve("d"));
    Path shard = corpus.resolve("d/train-000.bin");
    try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
      f.setLength(tokens * 2);
    }
    long[] positions = {0, (1L << 29) - 1, 1L << 29, (1L << 30) - 1, 1L << 30, (1L << 30) + 1,
        tokens - 2, tokens - 1};
    for (int i = 0; i < positions.length; i++) {
      writeToken(shard, positions[i], 100 + i);
    }
    Map<Split, CorpusManifest.SplitEntry> splits = new EnumMap<>(Split.class);
    splits.put(Split.TRAIN, new CorpusManifest.SplitEntry(
        List.of(new CorpusManifest.ShardEntry("d/train-000.bin", tokens)), 1, tokens));
    CorpusManifest m = new CorpusManifest(TokenDtype.UINT16, 257, 1000, 256,
        ByteTokenizer.instance().spec(), List.of(new CorpusManifest.DomainEntry("d", splits)));
    Files.writeString(corpus.resolve("manifest.json"), Json.write(m.toJson()));
    try (Corpus c = Corpus.open(corpus)) {
      assertEquals(tokens, c.tokens(0, Split.TRAIN));
      for (int i = 0; i < positions.length; i++) {
        int[] one = new int[1];
        c.readTokens(0, Split.TRAIN, positions[i], 1, one, 0);
        assertEquals(100 + i, one[0], "token at " + positions[i]);
      }
      // a block that straddles the 2 GiB byte boundary (token 2^30) in its middle
      int[] block = new int[1001];
      long b = ((1L << 30) - 500) / 1000;
      c.readBlock(0, Split.TRAIN, b, block, 0);
      int at = (int) ((1L << 30) - b * 1000);
      assertTrue(at > 100 && at < 900, "boundary at " + at);
      assertEquals(104, block[at]);
      assertEquals(105, block[at + 1]);
      assertEquals(103, block[at - 1]);
    }
  }
}
