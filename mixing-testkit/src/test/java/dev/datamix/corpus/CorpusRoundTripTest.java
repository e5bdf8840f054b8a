package dev.datamix.corpus;

import dev.datamix.testkit.CorpusFixtures;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.prepare.CorpusPreparer;
import dev.datamix.corpus.prepare.PrepareReport;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.sampler.MixtureSampler;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.state.Json;
import dev.datamix.tokenizer.ByteTokenizer;
import dev.datamix.tokenizer.Tokenizer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusRoundTripTest {
  @TempDir Path dir;

  private static String decodeAll(Corpus c, int d, Split split, Tokenizer t) {
    int n = (int) c.tokens(d, split);
    int[] tokens = new int[n];
    c.readTokens(d, split, 0, n, tokens, 0);
    return t.decode(tokens, 0, n);
  }

  @Test
  void textSurvivesShardsAndBlocksWithTheByteTokenizer() throws IOException {
    List<String> code = CorpusFixtures.numbered("code", 40, 300);
    List<String> prose = CorpusFixtures.numbered("prose", 25, 500);
    PrepareReport report = CorpusPreparer.builder().setOutput(dir.resolve("c"))
        .optBlockLength(64).optShardTokens(1000) // many shards, blocks straddle shard ends
        .addDomain("code", List.of(CorpusFixtures.docs("code", Split.TRAIN, code)))
        .addDomain("prose", List.of(CorpusFixtures.docs("prose", Split.TRAIN, prose)))
        .build().run();
    try (Corpus c = Corpus.open(report.directory())) {
      assertEquals(TokenDtype.UINT16, c.manifest().dtype());
      String expected = String.join(ByteTokenizer.EOT_TEXT, code) + ByteTokenizer.EOT_TEXT;
      assertEquals(expected, decodeAll(c, 0, Split.TRAIN, ByteTokenizer.instance()));
      assertTrue(c.manifest().domain("code").split(Split.TRAIN).shards().size() > 5);
      long bytes = code.stream().mapToLong(s -> s.getBytes(StandardCharsets.UTF_8).length).sum();
      assertEquals(bytes, c.manifest().domain("code").split(Split.TRAIN).bytes());
      assertEquals(40, c.manifest().domain("code").split(Split.TRAIN).documents());
      // every block is the (L+1)-token window at i*L
      int[] block = new int[65];
      int[] direct = new int[65];
      for (long b = 0; b < c.blocks(1, Split.TRAIN); b++) {
        c.readBlock(1, Split.TRAIN, b, block, 0);
        c.readTokens(1, Split.TRAIN, b * 64, 65, direct, 0);
        assertArrayEquals(direct, block, "block " + b);
      }
      assertEquals((c.tokens(1, Split.TRAIN) - 1) / 64, c.blocks(1, Split.TRAIN));
    }
  }

  /** A tokenizer with ids above 65,535, so shards are uint32. */
  static final class WideTokenizer implements Tokenizer {
    @Override
    public String name() {
      return "wide";
    }

    @Override
    public int vocabSize() {
      return 200_000;
    }

    @Override
    public int eotToken() {
      return 199_999;
    }

    @Override
    public int[] encode(String text) {
      return text.codePoints().map(cp -> cp + 70_000).toArray();
    }

    @Override
    public String decode(int[] tokens, int from, int to) {
      StringBuilder sb = new StringBuilder();
      for (int i = from; i < to; i++) {
        sb.append(tokens[i] == 199_999 ? "|" : new String(Character.toChars(tokens[i] - 70_000)));
      }
      return sb.toString();
    }

    @Override
    public ObjectNode spec() {
      return (ObjectNode) Json.parse("{\"kind\": \"test-wide\"}");
    }
  }

  @Test
  void uint32ShardsRoundTrip() throws IOException {
    List<String> docs = List.of("ab€c", "zz top", "ünïcödé");
    PrepareReport r = CorpusPreparer.builder().setOutput(dir.resolve("w"))
        .optTokenizer(new WideTokenizer()).optBlockLength(4)
        .addDomain("d", List.of(CorpusFixtures.docs("d", Split.TRAIN, docs))).build().run();
    try (Corpus c = Corpus.open(r.directory())) {
      assertEquals(TokenDtype.UINT32, c.manifest().dtype());
      assertEquals("ab€c|zz top|ünïcödé|", decodeAll(c, 0, Split.TRAIN, new WideTokenizer()));
    }
  }

  @Test
  void batchAssemblyFillsRowsWithoutAllocating() throws IOException {
    PrepareReport r = CorpusPreparer.builder().setOutput(dir.resolve("b")).optBlockLength(32)
        .optShardTokens(777)
        .addDomain("a", List.of(CorpusFixtures.docs("a", Split.TRAIN,
            CorpusFixtures.numbered("a", 60, 200))))
        .addDomain("b", List.of(CorpusFixtures.docs("b", Split.TRAIN,
            CorpusFixtures.numbered("b", 60, 200))))
        .build().run();
    try (Corpus c = Corpus.open(r.directory())) {
      List<Domain> domains = c.domains(Split.TRAIN);
      MixtureSampler sampler = new MixtureSampler(domains, SamplerOptions.seed(1));
      Mixture m = Mixture.uniform(Domain.names(domains));
      BlockBatch batch = new BlockBatch(16);
      BatchAssembler assembler = new BatchAssembler(c, Split.TRAIN, 16);
      sampler.draw(0, m, 16, batch);
      assertEquals(16, assembler.assemble(batch));
      int[] expected = new int[33];
      for (int i = 0; i < 16; i++) {
        c.readBlock(batch.domain(i), Split.TRAIN, batch.block(i), expected, 0);
        for (int j = 0; j < 33; j++) {
          assertEquals(expected[j], assembler.tokens()[i * 33 + j]);
        }
      }
      assertEquals(16 * 33, assembler.buffer().remaining());
      com.sun.management.ThreadMXBean bean =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long tid = Thread.currentThread().getId();
      long before = bean.getThreadAllocatedBytes(tid);
      for (int step = 1; step < 200; step++) {
        sampler.draw(step, m, 16, batch);
        assembler.assemble(batch);
      }
      long allocated = bean.getThreadAllocatedBytes(tid) - before;
      assertTrue(allocated < 64 * 1024, "assembling 199 batches allocated " + allocated + " B");
      BlockBatch big = new BlockBatch(17);
      sampler.draw(500, m, 17, big);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> assembler.assemble(big));
      assertTrue(e.getMessage().contains("17") && e.getMessage().contains("16"));
    }
  }

  @Test
  void bitsPerByteUseTheRecordedBytes() throws IOException {
    PrepareReport r = CorpusPreparer.builder().setOutput(dir.resolve("bpb")).optBlockLength(8)
        .addDomain("d", List.of(CorpusFixtures.docs("d", Split.TRAIN, List.of("héllo wörld"))))
        .build().run();
    try (Corpus c = Corpus.open(r.directory())) {
      // 13 UTF-8 bytes become 13 byte tokens + 1 EOT: 14 tokens per 13 bytes
      assertEquals(14.0 / 13, c.bitsPerByte(Math.log(2), 0, Split.TRAIN), 1e-12);
      // a split without recorded bytes has no bits per byte (nats only), never a made-up value
      assertTrue(Double.isNaN(c.bitsPerByte(1.0, 0, Split.VALIDATION)));
      assertFalse(c.hasBytes(0, Split.VALIDATION));
      assertTrue(c.hasBytes(0, Split.TRAIN));
    }
  }
}
