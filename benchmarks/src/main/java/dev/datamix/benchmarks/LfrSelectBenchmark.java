package dev.datamix.benchmarks;

import dev.datamix.lfr.BlockLossStore;
import dev.datamix.lfr.LfrPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * LFR's phase-boundary selection as the store grows: one op = choosing the hardest half of
 * {@code blocks} visited blocks (every block visited once, losses spread over 1,000 values, so
 * the threshold has ties) from a <b>memory-mapped</b> store (8 bytes a block, a file in the
 * temporary directory: 800 MB at 10^8), by the two-pass radix threshold search and a pass that
 * lists the kept blocks. The limit, {@code scan}, reads every block's mean once and sums them:
 * what any selection must at least do. Scratch memory per block is JMH's {@code
 * gc.alloc.rate.norm} (bytes allocated per op) over {@code blocks}; the kept list itself is 4
 * bytes per kept block. Targets: ≤ 1 s and ≤ 4 bytes a block at 10^8.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 4)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LfrSelectBenchmark {
  @Param({"100000", "1000000", "10000000", "100000000"})
  public int blocks;

  private Path file;
  private BlockLossStore store;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    file = Files.createTempFile("datamix-lfr-store", ".bin");
    store = BlockLossStore.mapped(blocks, file);
    long x = 1;
    for (int b = 0; b < blocks; b++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      store.record(b, 1f + (x >>> 40) % 1000 / 250f);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    store = null;
    Files.deleteIfExists(file);
  }

  /** Selects the hardest half of the visited blocks. */
  @Benchmark
  public int[] select() {
    return LfrPolicy.hardSelection(store, 0.5);
  }

  /** The limit: one read of every block's mean. */
  @Benchmark
  public double limit() {
    double sum = 0;
    for (int b = 0; b < blocks; b++) {
      sum += store.mean(b);
    }
    return sum;
  }
}
