package dev.datamix.benchmarks;

import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.sampler.MixtureSampler;
import dev.datamix.sampler.SamplerOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * How many {@code (domain, block)} draws per second the sampler makes, single-threaded, at K
 * domains of a million blocks each, with a fixed mixture (targets: 40 M/s at K = 256 and 20 M/s
 * at K = 65,536), with independent alias draws ({@code RANDOM}) and with each batch's counts
 * exact ({@code EXACT}: floors, the remainders' seats by keyed systematic sampling, and a keyed
 * shuffle per call). The limit, {@code limit}, is the keyed hash of every draw and one read of a
 * K-entry array at the hashed position: what any keyed, per-domain draw must at least do.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SamplerBenchmark {
  static final int BATCH = 1024;

  @Param({"2", "16", "256", "4096", "65536", "1048576"})
  public int domains;

  @Param({"RANDOM", "EXACT", "GROUPED"})
  public SamplerOptions.Allocation allocation;

  private MixtureSampler sampler;
  private Mixture mixture;
  private BlockBatch batch;
  private long step;
  private long[] table;

  @Setup
  public void setUp() {
    List<Domain> d = SyntheticDomains.of(domains);
    double[] w = SyntheticDomains.weights(domains, 7);
    sampler = new MixtureSampler(d, SamplerOptions.seed(1).withAllocation(allocation));
    mixture = Mixture.normalise(Domain.names(d), w);
    batch = new BlockBatch(BATCH);
    table = new long[domains];
    for (int i = 0; i < domains; i++) {
      table[i] = i * 0x9E3779B97F4A7C15L;
    }
  }

  /** The limit: per draw, the keyed hash and one read of a K-entry array where it points. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long limit() {
    long stepKey = dev.datamix.random.Seeds.hash(1, 0x646f6d61696eL, step++);
    long acc = 0;
    for (int j = 0; j < BATCH; j++) {
      long bits = dev.datamix.random.Seeds.mix64(stepKey + j * 0x9E3779B97F4A7C15L);
      acc += table[(int) (((bits >>> 32) * table.length) >>> 32)];
    }
    return acc;
  }

  /** One op = one draw; each invocation draws a batch of 1,024. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void draw(Blackhole bh) {
    sampler.draw(step++, mixture, BATCH, batch);
    bh.consume(batch.block(BATCH - 1));
  }
}
