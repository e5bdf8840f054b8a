package dev.datamix.benchmarks;

import dev.datamix.mixture.Domain;
import dev.datamix.random.Seeds;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.sampler.LiveWeights;
import dev.datamix.sampler.MixtureSampler;
import dev.datamix.sampler.SamplerOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A weight change at every step when few weights move: a sampler with {@link
 * SamplerOptions.Allocation#GROUPED} drawing steps of 512 from {@link LiveWeights}, in blocks of
 * {@value #BLOCK} steps that alternate between {@code changed} weights set before every step
 * (domains picked by a keyed hash of the step, new values from it too) and no weight set. The
 * two are timed in the same fork, step by step, into the counters {@code stepMicros} (with the
 * changes) and {@code stepMicrosLimit} (without): on this machine whole forks run a third slower
 * or faster than others, more than the effect measured, so the two are not compared across
 * forks. The first {@value #SETTLE} steps of each block are not counted: they finish the groups
 * the block before changed (the sampler rebuilds a changed bottom group when a draw first
 * reaches it), which belongs to neither. The share of limit is {@code stepMicrosLimit /
 * stepMicros} (target: a change costs at most 10% of a step, a share of at least 0.91, at K =
 * 65,536). The primary score is the mean of every step, counted or not.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SparseWeightChangeBenchmark {
  static final int STEP = 512;
  static final int BLOCK = 512;
  static final int SETTLE = 64;

  @Param({"65536", "1048576"})
  public int domains;

  @Param({"1", "8", "64", "512"})
  public int changed;

  private MixtureSampler sampler;
  private LiveWeights weights;
  private BlockBatch batch;
  private long step;

  /** Each mode's time and steps, per iteration. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class StepTimes {
    private long changedNanos;
    private long changedSteps;
    private long plainNanos;
    private long plainSteps;

    @Setup(Level.Iteration)
    public void clear() {
      changedNanos = 0;
      changedSteps = 0;
      plainNanos = 0;
      plainSteps = 0;
    }

    /** Mean µs of a counted step with {@code changed} weights set before it. */
    public double stepMicros() {
      return changedSteps == 0 ? Double.NaN : changedNanos / 1e3 / changedSteps;
    }

    /** Mean µs of a counted step with no weight set. */
    public double stepMicrosLimit() {
      return plainSteps == 0 ? Double.NaN : plainNanos / 1e3 / plainSteps;
    }
  }

  @Setup
  public void setUp() {
    List<Domain> d = SyntheticDomains.of(domains);
    sampler = new MixtureSampler(d, SamplerOptions.seed(1)
        .withAllocation(SamplerOptions.Allocation.GROUPED));
    weights = new LiveWeights(Domain.names(d), SyntheticDomains.weights(domains, 7));
    batch = new BlockBatch(STEP);
  }

  /** One op = one step of 512 draws, with {@code changed} weights set before it or none. */
  @Benchmark
  public void alternateSteps(StepTimes times, Blackhole bh) {
    long t = step++;
    boolean changing = (t / BLOCK & 1) == 0;
    long start = System.nanoTime();
    if (changing) {
      for (int i = 0; i < changed; i++) {
        long bits = Seeds.hash(7, t, i);
        weights.set((int) (((bits >>> 32) * domains) >>> 32), 1.0 + (bits & 15));
      }
    }
    sampler.draw(t, weights, null, STEP, batch);
    long nanos = System.nanoTime() - start;
    bh.consume(batch.block(STEP - 1));
    if (t % BLOCK >= SETTLE) {
      if (changing) {
        times.changedNanos += nanos;
        times.changedSteps++;
      } else {
        times.plainNanos += nanos;
        times.plainSteps++;
      }
    }
  }
}
