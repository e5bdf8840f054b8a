package dev.datamix.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The first 10^5 draws at K = 2, 256 and 65,536 domains, in every allocation mode, with a weight
 * change a third of the way in, are pinned: their SHA-256 (and the first 20 draws, readable) are
 * in {@code src/test/resources/golden/sampler-draws.txt}, written for RANDOM and EXACT by the
 * sampler as it was before any speed work, for GROUPED when it was added. A faster sampler must draw exactly the same blocks. Regenerate only for an
 * intended change of the stream, with {@code -Ddatamix.regenerate=true}.
 */
class GoldenDrawsTest {
  static final Path GOLDEN = Path.of("src", "test", "resources", "golden", "sampler-draws.txt");
  static final int DRAWS = 100_000;
  static final int BATCH = 512;

  static List<Domain> domains(int k) {
    List<Domain> d = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      long blocks = 50 + (i * 7919L) % 5000;
      d.add(new Domain("d" + i, blocks, blocks * 128));
    }
    return d;
  }

  static Mixture mixture(List<Domain> d, int variant) {
    double[] w = new double[d.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = variant == 0 ? 1.0 / (i + 1) : 1.0 + (i % 7);
    }
    return Mixture.normalise(Domain.names(d), w);
  }

  /** The digest line of one configuration. */
  static String digest(int k, SamplerOptions.Allocation allocation) {
    List<Domain> d = domains(k);
    MixtureSampler s = new MixtureSampler(d, SamplerOptions.seed(2026).withAllocation(allocation));
    Mixture first = mixture(d, 0);
    Mixture second = mixture(d, 1);
    BlockBatch b = new BlockBatch(BATCH);
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    ByteBuffer buf = ByteBuffer.allocate(12);
    StringBuilder head = new StringBuilder();
    int drawn = 0;
    for (long t = 0; drawn < DRAWS; t++) {
      int n = Math.min(BATCH, DRAWS - drawn);
      s.draw(t, drawn < DRAWS / 3 ? first : second, n, b);
      for (int i = 0; i < b.size(); i++) {
        buf.clear();
        sha.update(buf.putInt(b.domain(i)).putLong(b.block(i)).array());
        if (drawn + i < 20) {
          head.append(' ').append(b.domain(i)).append(':').append(b.block(i));
        }
      }
      drawn += n;
    }
    return "K=" + k + " " + allocation + " " + HexFormat.of().formatHex(sha.digest()) + head;
  }

  @ParameterizedTest
  @CsvSource({"2, RANDOM", "256, RANDOM", "65536, RANDOM", "2, EXACT", "256, EXACT",
      "65536, EXACT", "2, GROUPED", "256, GROUPED", "65536, GROUPED"})
  void theFirstDrawsAreTheOnesPinned(int k, SamplerOptions.Allocation allocation)
      throws IOException {
    String line = digest(k, allocation);
    String prefix = "K=" + k + " " + allocation + " ";
    List<String> lines = Files.exists(GOLDEN) ? new ArrayList<>(Files.readAllLines(GOLDEN,
        StandardCharsets.UTF_8)) : new ArrayList<>();
    if (Boolean.getBoolean("datamix.regenerate")) {
      lines.removeIf(l -> l.startsWith(prefix));
      lines.add(line);
      lines.sort(null);
      Files.createDirectories(GOLDEN.getParent());
      Files.write(GOLDEN, lines, StandardCharsets.UTF_8);
    }
    String pinned = lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
        .orElse("(none pinned)");
    assertEquals(pinned, line);
  }
}
