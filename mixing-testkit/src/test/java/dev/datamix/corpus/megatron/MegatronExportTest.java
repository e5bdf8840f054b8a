package dev.datamix.corpus.megatron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.MegatronIndex;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.TokenDtype;
import dev.datamix.corpus.prepare.CorpusPreparer;
import dev.datamix.state.Json;
import dev.datamix.state.OutputExistsException;
import dev.datamix.testkit.CorpusFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code datamix export --format megatron}: a round trip, and Megatron's own reading logic. */
class MegatronExportTest {
  @TempDir Path dir;

  private Path corpus() throws IOException {
    return CorpusPreparer.builder().setOutput(dir.resolve("c")).optBlockLength(16)
        .addDomain("a", List.of(CorpusFixtures.docs("a", Split.TRAIN,
            CorpusFixtures.numbered("doc", 40, 120))))
        .build().run().directory();
  }

  private static int[] all(Corpus c, int d, Split s) {
    int[] t = new int[(int) c.tokens(d, s)];
    c.readTokens(d, s, 0, t.length, t, 0);
    return t;
  }

  @Test
  void anExportedDomainAttachedAgainReadsTheSameTokensAndDocuments() throws IOException {
    Path prefix = dir.resolve("out/a_text_document");
    int[] original;
    MegatronExport.Result r;
    try (Corpus c = Corpus.open(corpus())) {
      original = all(c, 0, Split.TRAIN);
      r = MegatronExport.write(c, "a", Split.TRAIN, prefix, false);
    }
    assertEquals(40, r.documents());
    assertEquals(original.length, r.tokens());
    MegatronIndex index = MegatronIndex.open(prefix);
    index.verify();
    assertEquals(TokenDtype.UINT16, index.dtype());
    assertEquals(40, index.documents());
    Path again = CorpusPreparer.builder().setOutput(dir.resolve("again")).optBlockLength(16)
        .addMegatronDomain("a", List.of(new MegatronDomains.Source(prefix, Split.TRAIN)))
        .build().run().directory();
    try (Corpus c = Corpus.open(again); Corpus before = Corpus.open(dir.resolve("c"))) {
      assertEquals(java.util.Arrays.toString(original), java.util.Arrays.toString(
          all(c, 0, Split.TRAIN)));
      assertEquals(before.manifest().domain("a").split(Split.TRAIN).bytes(),
          c.manifest().domain("a").split(Split.TRAIN).bytes()); // decoded bytes = source bytes
      assertEquals(before.blocks(0, Split.TRAIN), c.blocks(0, Split.TRAIN));
    }
  }

  @Test
  void megatronsReaderReadsTheExportDocumentByDocument() throws Exception {
    assumeTrue(python() != null, "python3 is not installed");
    Path prefix = dir.resolve("a_text_document");
    int[] original;
    try (Corpus c = Corpus.open(corpus())) {
      original = all(c, 0, Split.TRAIN);
      MegatronExport.write(c, "a", Split.TRAIN, prefix, false);
    }
    Path script = dir.resolve("read_megatron.py");
    try (var in = getClass().getResourceAsStream("/megatron/read_megatron.py")) {
      Files.copy(in, script);
    }
    Process p = new ProcessBuilder(python(), script.toString(), prefix.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue());
    JsonNode read = Json.mapper().readTree(out);
    assertEquals("uint16", read.get("dtype").asText());
    List<Integer> flat = new ArrayList<>();
    for (JsonNode doc : read.get("documents")) {
      assertEquals(256, doc.get(doc.size() - 1).asInt()); // each document ends with its EOD
      doc.forEach(t -> flat.add(t.asInt()));
    }
    assertEquals(40, read.get("documents").size());
    assertEquals(original.length, flat.size());
    for (int i = 0; i < original.length; i++) {
      assertEquals(original[i], flat.get(i), "token " + i);
    }
  }

  @Test
  void anExistingDatasetIsNotReplacedUnlessTold() throws IOException {
    Path prefix = dir.resolve("a_text_document");
    try (Corpus c = Corpus.open(corpus())) {
      MegatronExport.write(c, "a", Split.TRAIN, prefix, false);
      long size = Files.size(MegatronIndex.binFile(prefix));
      OutputExistsException e = assertThrows(OutputExistsException.class,
          () -> MegatronExport.write(c, "a", Split.TEST, prefix, false));
      assertTrue(e.getMessage().contains("a_text_document.bin exists"), e.getMessage());
      assertEquals(size, Files.size(MegatronIndex.binFile(prefix)));
      MegatronExport.write(c, "a", Split.TRAIN, prefix, true);
    }
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")));
    }
  }

  @Test
  void largeVocabulariesGetInt32AsInMegatron() {
    assertEquals(TokenDtype.UINT16, MegatronWriter.dtypeFor(65_499));
    assertEquals(TokenDtype.INT32, MegatronWriter.dtypeFor(65_500));
  }

  private static String python() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, "python3");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }
}
