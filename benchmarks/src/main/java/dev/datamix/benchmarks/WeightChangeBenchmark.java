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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of a weight change: the sampler gets a new mixture (alternating between two) and draws one
 * block, so the time is the alias-table rebuild plus one draw (target: under 5 ms at K = 65,536).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class WeightChangeBenchmark {
  @Param({"2", "16", "256", "65536"})
  public int domains;

  private MixtureSampler sampler;
  private Mixture[] mixtures;
  private BlockBatch batch;
  private long step;

  @Setup
  public void setUp() {
    List<Domain> d = new ArrayList<>();
    double[] a = new double[domains];
    double[] b = new double[domains];
    for (int i = 0; i < domains; i++) {
      d.add(new Domain("d" + i, 1_000_000, 1_000_000L * 1024));
      a[i] = 1.0 + (i % 7);
      b[i] = 1.0 + (i % 5);
    }
    sampler = new MixtureSampler(d, SamplerOptions.seed(1));
    List<String> names = Domain.names(d);
    mixtures = new Mixture[] {Mixture.normalise(names, a), Mixture.normalise(names, b)};
    batch = new BlockBatch(1);
  }

  /** One op = one weight change followed by one draw. */
  @Benchmark
  public void changeWeightsAndDraw(Blackhole bh) {
    long t = step++;
    sampler.draw(t, mixtures[(int) (t & 1)], 1, batch);
    bh.consume(batch.block(0));
  }
}
