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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of a weight change. {@code changeWeightsAndDraw}: the sampler gets a new mixture
 * (alternating between two) and draws one block, so the time is the alias-table rebuild plus one
 * draw (target: at most 20 ms at K = 10^6). {@code stepWithNewWeights} against {@code
 * stepWithSameWeights}: a step of 512 draws with a new mixture, and with the same one, for the
 * cost of a weight change at every step as a share of a step's draws (target: at most 10% at
 * K = 65,536). The limit, {@code limit}, reads the new mixture's K weights once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class WeightChangeBenchmark {
  @Param({"2", "16", "256", "65536", "1048576"})
  public int domains;

  private MixtureSampler sampler;
  private Mixture[] mixtures;
  private BlockBatch batch;
  private long step;

  @Setup
  public void setUp() {
    List<Domain> d = SyntheticDomains.of(domains);
    double[] a = SyntheticDomains.weights(domains, 7);
    double[] b = SyntheticDomains.weights(domains, 5);
    sampler = new MixtureSampler(d, SamplerOptions.seed(1));
    List<String> names = Domain.names(d);
    mixtures = new Mixture[] {Mixture.normalise(names, a), Mixture.normalise(names, b)};
    batch = new BlockBatch(STEP);
  }

  static final int STEP = 512;

  /** One op = a step of 512 draws under a new mixture. */
  @Benchmark
  public void stepWithNewWeights(Blackhole bh) {
    long t = step++;
    sampler.draw(t, mixtures[(int) (t & 1)], STEP, batch);
    bh.consume(batch.block(STEP - 1));
  }

  /** One op = a step of 512 draws under the mixture of the step before. */
  @Benchmark
  public void stepWithSameWeights(Blackhole bh) {
    long t = step++;
    sampler.draw(t, mixtures[0], STEP, batch);
    bh.consume(batch.block(STEP - 1));
  }

  /**
   * The limit of a weight change: one read of the new mixture's K weights, which any sampler
   * that honours every weight must make.
   */
  @Benchmark
  public double limit() {
    Mixture m = mixtures[(int) (step++ & 1)];
    double sum = 0;
    for (int i = 0; i < domains; i++) {
      sum += m.weight(i);
    }
    return sum;
  }

  /** One op = one weight change followed by one draw. */
  @Benchmark
  public void changeWeightsAndDraw(Blackhole bh) {
    long t = step++;
    sampler.draw(t, mixtures[(int) (t & 1)], 1, batch);
    bh.consume(batch.block(0));
  }
}
