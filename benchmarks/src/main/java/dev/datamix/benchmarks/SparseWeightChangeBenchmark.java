package dev.datamix.benchmarks;

import dev.datamix.mixture.Domain;
import dev.datamix.random.Seeds;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.sampler.LiveWeights;
import dev.datamix.sampler.MixtureSampler;
import dev.datamix.sampler.SamplerOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A weight change at every step when few weights move: a sampler with {@link
 * SamplerOptions.Allocation#GROUPED} drawing a step of 512 from {@link LiveWeights} of which
 * {@code changed} weights (domains picked by a keyed hash of the step, new values from it too)
 * were set since the step before. Its limit, {@code limit}, is the same step with no weight
 * changed, so the share of limit is the step's time without the change over its time with it
 * (target: a change costs at most 10% of the step, a share of at least 0.91, at K = 65,536).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SparseWeightChangeBenchmark {
  static final int STEP = 512;

  @Param({"65536", "1048576"})
  public int domains;

  @Param({"1", "8", "64", "512"})
  public int changed;

  private MixtureSampler sampler;
  private LiveWeights weights;
  private BlockBatch batch;
  private long step;

  @Setup
  public void setUp() {
    List<Domain> d = SyntheticDomains.of(domains);
    sampler = new MixtureSampler(d, SamplerOptions.seed(1)
        .withAllocation(SamplerOptions.Allocation.GROUPED));
    weights = new LiveWeights(Domain.names(d), SyntheticDomains.weights(domains, 7));
    batch = new BlockBatch(STEP);
  }

  /** One op = {@code changed} weights set, then a step of 512 draws. */
  @Benchmark
  public void stepWithChanges(Blackhole bh) {
    long t = step++;
    for (int i = 0; i < changed; i++) {
      long bits = Seeds.hash(7, t, i);
      weights.set((int) (((bits >>> 32) * domains) >>> 32), 1.0 + (bits & 15));
    }
    sampler.draw(t, weights, null, STEP, batch);
    bh.consume(batch.block(STEP - 1));
  }

  /** The limit: one op = the same step of 512 draws with no weight changed. */
  @Benchmark
  public void limit(Blackhole bh) {
    sampler.draw(step++, weights, null, STEP, batch);
    bh.consume(batch.block(STEP - 1));
  }
}
