package dev.datamix.corpus.prepare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.OutputExistsException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCapsTest {
  @TempDir Path dir;

  @Test
  void aCappedDomainKeepsItsFirstBlocksAndTheRestIsUnchanged() throws IOException {
    Path src = dir.resolve("demo");
    DemoCorpus.write(src, 20_000, 32, 1);
    Path out = dir.resolve("capped");
    TrainingCaps.write(src, out, Map.of("arith", 10L), ExistingOutput.REFUSE);
    try (Corpus a = Corpus.open(src); Corpus b = Corpus.open(out)) {
      int d = a.domainIndex("arith");
      assertEquals(10, b.blocks(d, Split.TRAIN));
      int[] x = new int[33];
      int[] y = new int[33];
      for (long k = 0; k < 10; k++) {
        a.readBlock(d, Split.TRAIN, k, x, 0);
        b.readBlock(d, Split.TRAIN, k, y, 0);
        assertArrayEquals(x, y, "block " + k + ", its last target included");
      }
      assertEquals(a.blocks(d, Split.TEST), b.blocks(d, Split.TEST));
      int other = a.domainIndex("code");
      assertEquals(a.tokens(other, Split.TRAIN), b.tokens(other, Split.TRAIN));
      assertTrue(b.bitsPerByte(1, d, Split.TRAIN) > 0);
    }
    assertThrows(OutputExistsException.class, () -> TrainingCaps.write(src, out,
        Map.of("arith", 10L), ExistingOutput.REFUSE));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainingCaps.write(src,
        dir.resolve("bad"), Map.of("arith", 0L), ExistingOutput.REFUSE)).getMessage()
        .contains("'arith'"));
  }
}
