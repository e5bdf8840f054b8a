package dev.datamix.benchmarks;

import dev.datamix.lfr.BlockLossStore;
import dev.datamix.mixture.Domain;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.signal.BlockLosses;
import dev.datamix.lfr.LfrPolicy;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * LFR's two hot spots over 10^7 blocks: recording block losses into the store (target 50 M
 * blocks/s; one op = one block) and the phase-boundary top-k selection (target ≤ 200 ms; one op
 * = one selection of the hardest 50% of 10^7 visited blocks, by quickselect).
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class LfrBenchmark {
  static final int BLOCKS = 10_000_000;
  static final int BATCH = 1 << 16;

  private BlockLossStore store;
  private int[] order;
  private float[] losses;
  private int next;
  private LfrPolicy policy;

  @Setup(Level.Trial)
  public void setUp() {
    store = BlockLossStore.onHeap(BLOCKS);
    order = new int[BATCH];
    losses = new float[BATCH];
    long x = 1;
    for (int i = 0; i < BATCH; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      order[i] = (int) Long.remainderUnsigned(x >>> 1, BLOCKS);
      losses[i] = 1f + (x >>> 40) % 1000 / 250f;
    }
    policy = (LfrPolicy) PolicyRegistry.load().create("lfr",
        PolicyContext.of(List.of(new Domain("d", BLOCKS, BLOCKS * 128L)), 1),
        dev.datamix.state.Json.object());
    // one visit of every block so that a selection ranks 10^7 visited blocks
    int[] doms = new int[BATCH];
    long[] blocks = new long[BATCH];
    float[] l = new float[BATCH];
    long step = 0;
    for (int from = 0; from < BLOCKS; from += BATCH) {
      int n = Math.min(BATCH, BLOCKS - from);
      for (int i = 0; i < n; i++) {
        blocks[i] = from + i;
        l[i] = losses[i];
      }
      policy.signalsFor(step);
      policy.observe(BlockLosses.of(step++, doms, blocks, l, n));
    }
  }

  /** Records a batch of 65,536 block losses at random blocks of a 10^7-block store. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(BATCH)
  public void record(Blackhole bh) {
    for (int i = 0; i < BATCH; i++) {
      store.record(order[i], losses[i]);
    }
    bh.consume(store.visits(order[next++ & (BATCH - 1)]));
  }

  /** Selects the hardest half of 10^7 visited blocks. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int[] select() {
    return policy.selectForBenchmark(0, 0.5);
  }
}
