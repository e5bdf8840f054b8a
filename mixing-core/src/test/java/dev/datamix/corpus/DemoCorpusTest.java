package dev.datamix.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.corpus.prepare.PrepareReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCorpusTest {
  @TempDir Path dir;

  @Test
  void isDeterministicForASeedAndDiffersAcrossSeeds() throws IOException {
    PrepareReport a = DemoCorpus.write(dir.resolve("a"), 40_000, 64, 5);
    PrepareReport b = DemoCorpus.write(dir.resolve("b"), 40_000, 64, 5);
    PrepareReport c = DemoCorpus.write(dir.resolve("c"), 40_000, 64, 6);
    assertEquals(a.manifest(), b.manifest());
    String shard = a.manifest().domain("arith").split(Split.TRAIN).shards().get(0).file();
    assertEquals(-1, Files.mismatch(dir.resolve("a").resolve(shard), dir.resolve("b")
        .resolve(shard)));
    assertTrue(!a.manifest().equals(c.manifest())
        || Files.mismatch(dir.resolve("a").resolve(shard), dir.resolve("c").resolve(shard)) >= 0);
  }

  @Test
  void hasEveryDomainWithBlocksInEverySplitAndTheDocumentedSizes() throws IOException {
    PrepareReport r = DemoCorpus.write(dir.resolve("d"), 200_000, 128, 1);
    try (Corpus c = Corpus.open(r.directory())) {
      assertEquals(DemoCorpus.DOMAINS, c.domainNames());
      for (Split s : Split.values()) {
        for (int d = 0; d < c.domainNames().size(); d++) {
          assertTrue(c.blocks(d, s) > 0, c.domainNames().get(d) + " " + s);
        }
      }
      long arith = c.manifest().domain("arith").split(Split.TRAIN).bytes();
      long small = c.manifest().domain("small").split(Split.TRAIN).bytes();
      assertTrue(arith > 150_000 && small * 6 < arith, arith + " vs " + small);
      c.verifyVocabulary();
    }
  }

  @Test
  void documentsHaveTheDocumentedStructure() {
    String arith = DemoCorpus.document("arith", 3, 0);
    for (String line : arith.strip().split("\n")) {
      String[] p = line.split(" ");
      long a = Long.parseLong(p[0]);
      long b = Long.parseLong(p[2]);
      long result = Long.parseLong(p[4]);
      assertEquals(p[1].equals("+") ? a + b : a * b, result, line);
    }
    String noise = DemoCorpus.document("noise", 3, 0);
    assertTrue(noise.chars().allMatch(ch -> ch == ' ' || ch == '\n' || (ch >= 'a' && ch <= 'p')));
    assertTrue(DemoCorpus.document("code", 3, 1).contains("def f"));
    assertEquals(DemoCorpus.document("target_mix", 9, 4), DemoCorpus.document("target_mix", 9, 4));
  }
}
