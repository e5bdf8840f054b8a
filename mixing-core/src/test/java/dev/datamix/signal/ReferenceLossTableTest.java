package dev.datamix.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.mixture.Domain;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceLossTableTest {
  @TempDir Path dir;

  static final List<Domain> DOMAINS = List.of(new Domain("a", 3, 300), new Domain("b", 2, 200));
  static final JsonNode CORPUS = Json.parse("{\"vocabSize\": 257}");
  static final JsonNode REF = Json.parse("{\"paramsSha256\": \"abc\"}");

  Path table() throws IOException {
    Path t = dir.resolve("t");
    ReferenceLossTable.write(t, DOMAINS, new float[][] {{1f, 2f, 3f}, {4.5f, 0f}}, CORPUS, REF);
    return t;
  }

  @Test
  void heapAndMappedTablesReadBackEveryValueAndLookUpABatch() throws IOException {
    Path t = table();
    for (ReferenceLossTable.Storage s : ReferenceLossTable.Storage.values()) {
      ReferenceLossTable table = ReferenceLossTable.open(t, DOMAINS, CORPUS, REF, s);
      assertEquals(3f, table.loss(0, 2), 0f, s.toString());
      assertEquals(4.5f, table.loss(1, 0), 0f, s.toString());
      BlockLosses trained = BlockLosses.of(7, new int[] {0, 1, 1}, new long[] {1, 0, 1},
          new float[] {2.5f, 4f, Float.NaN}, 3);
      ReferenceLosses r = table.lookup(trained);
      assertEquals(0.5f, r.excess(0), 1e-6f);
      assertEquals(0f, r.excess(1), 0f, "clipped at 0");
      assertTrue(Float.isNaN(r.excess(2)), "not measured stays not measured");
      assertTrue(!r.tokenLevel());
      assertEquals(7, r.step());
      assertThrows(IndexOutOfBoundsException.class, () -> table.loss(1, 2));
    }
  }

  @Test
  void aTruncatedFileIsRefusedNamingBothSizes() throws IOException {
    Path t = table();
    try (FileChannel ch = FileChannel.open(t.resolve("losses.f32"), StandardOpenOption.WRITE)) {
      ch.truncate(18);
    }
    IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
        () -> ReferenceLossTable.open(t, DOMAINS, CORPUS, REF, ReferenceLossTable.Storage.HEAP));
    assertTrue(e.getMessage().contains("20 bytes") && e.getMessage().contains("18 bytes"),
        e.getMessage());
  }

  @Test
  void anotherCorpusReferenceOrDomainListIsRefused() throws IOException {
    Path t = table();
    IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
        () -> ReferenceLossTable.open(t, DOMAINS, Json.parse("{\"vocabSize\": 50257}"), REF,
            ReferenceLossTable.Storage.HEAP));
    assertTrue(e.getMessage().contains("corpus") && e.getMessage().contains("50257"),
        e.getMessage());
    e = assertThrows(IncompatibleStateException.class,
        () -> ReferenceLossTable.open(t, DOMAINS, CORPUS, Json.parse("{\"paramsSha256\": \"x\"}"),
            ReferenceLossTable.Storage.HEAP));
    assertTrue(e.getMessage().contains("reference model"), e.getMessage());
    e = assertThrows(IncompatibleStateException.class,
        () -> ReferenceLossTable.open(t, List.of(new Domain("a", 3, 300)), CORPUS, REF,
            ReferenceLossTable.Storage.HEAP));
    assertTrue(e.getMessage().contains("domains"), e.getMessage());
  }

  @Test
  void aCorruptValueIsRefusedNamingTheBlock() throws IOException {
    Path t = table();
    byte[] bytes = Files.readAllBytes(t.resolve("losses.f32"));
    int nan = Float.floatToIntBits(Float.NaN);
    for (int i = 0; i < 4; i++) {
      bytes[4 + i] = (byte) (nan >>> (8 * i)); // block 1 of domain a, little-endian
    }
    Files.write(t.resolve("losses.f32"), bytes);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReferenceLossTable.open(t, DOMAINS, CORPUS, REF, ReferenceLossTable.Storage.HEAP));
    assertTrue(e.getMessage().contains("block 1") && e.getMessage().contains("'a'"),
        e.getMessage());
    ReferenceLossTable mapped = ReferenceLossTable.open(t, DOMAINS, CORPUS, REF,
        ReferenceLossTable.Storage.MAPPED);
    assertThrows(IllegalArgumentException.class, () -> mapped.loss(0, 1));
  }

  @Test
  void aTableIsNeverOverwrittenAndBadInputIsRefused() throws IOException {
    Path t = table();
    assertThrows(IllegalArgumentException.class, () -> ReferenceLossTable.write(t, DOMAINS,
        new float[][] {{1f, 2f, 3f}, {4.5f, 0f}}, CORPUS, REF));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReferenceLossTable.write(dir.resolve("u"), DOMAINS,
            new float[][] {{1f, -2f, 3f}, {4.5f, 0f}}, CORPUS, REF));
    assertTrue(e.getMessage().contains("-2.0") && e.getMessage().contains("block 1"),
        e.getMessage());
    IncompatibleStateException missing = assertThrows(IncompatibleStateException.class,
        () -> ReferenceLossTable.open(dir.resolve("none"), DOMAINS, CORPUS, REF,
            ReferenceLossTable.Storage.HEAP));
    assertTrue(missing.getMessage().contains("table.json"), missing.getMessage());
  }
}
