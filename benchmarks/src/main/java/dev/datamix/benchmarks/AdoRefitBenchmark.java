package dev.datamix.benchmarks;

import dev.datamix.mixture.Domain;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * ADO's refit (Jiang et al., 2024, arXiv 2410.11820): the per-domain scaling-law fits over a
 * history of {@code history} steps of training losses, with the reference code's ignored 500
 * steps and subsampling 10. One op = one step that refits (refitEvery 1), so the history grows by
 * one step per op from {@code history}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
public class AdoRefitBenchmark {
  @Param({"8", "64"})
  public int domains;

  @Param({"1000", "10000"})
  public int history;

  private MixingPolicy ado;
  private DoubleVector counts;
  private long step;

  @Setup(Level.Iteration)
  public void setUp() {
    List<Domain> d = new ArrayList<>();
    for (int i = 0; i < domains; i++) {
      d.add(new Domain("d" + i, 100_000, 100_000L * 512));
    }
    ado = PolicyRegistry.load().create("ado", new PolicyContext(d, 1, 0, 16),
        Map.of("startStep", history, "refitEvery", 1));
    counts = DoubleVector.filled(domains, 16.0 / domains);
    for (step = 0; step < history - 1; step++) {
      observe(step);
    }
  }

  private void observe(long t) {
    ado.signalsFor(t);
    double[] loss = new double[domains];
    for (int i = 0; i < domains; i++) {
      loss[i] = 2 + (3.0 + i % 7) * Math.pow(t + 10, -0.3 - 0.01 * (i % 5));
    }
    ado.observe(new Observation.TrainingLoss(t, DoubleVector.of(loss), counts));
  }

  /** One step whose observation refits every domain. */
  @Benchmark
  public void refit(Blackhole bh) {
    observe(step);
    bh.consume(ado.mixture(step + 1));
    step++;
  }
}
