package dev.datamix.benchmarks;

import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.sampler.MixtureSampler;
import dev.datamix.sampler.SamplerOptions;
import java.util.ArrayList;
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
 * domains of a million blocks each, with a fixed mixture (target: 20 M/s at K = 256), with
 * independent alias draws ({@code RANDOM}) and with each batch's counts exact ({@code EXACT}:
 * floors, the remainders' seats by keyed systematic sampling, and a keyed shuffle per call).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SamplerBenchmark {
  static final int BATCH = 1024;

  @Param({"2", "16", "256", "65536"})
  public int domains;

  @Param({"RANDOM", "EXACT"})
  public SamplerOptions.Allocation allocation;

  private MixtureSampler sampler;
  private Mixture mixture;
  private BlockBatch batch;
  private long step;

  @Setup
  public void setUp() {
    List<Domain> d = new ArrayList<>();
    double[] w = new double[domains];
    for (int i = 0; i < domains; i++) {
      d.add(new Domain("d" + i, 1_000_000, 1_000_000L * 1024));
      w[i] = 1.0 + (i % 7);
    }
    sampler = new MixtureSampler(d, SamplerOptions.seed(1).withAllocation(allocation));
    mixture = Mixture.normalise(Domain.names(d), w);
    batch = new BlockBatch(BATCH);
  }

  /** One op = one draw; each invocation draws a batch of 1,024. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void draw(Blackhole bh) {
    sampler.draw(step++, mixture, BATCH, batch);
    bh.consume(batch.block(BATCH - 1));
  }
}
