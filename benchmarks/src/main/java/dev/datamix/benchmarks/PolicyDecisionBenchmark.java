package dev.datamix.benchmarks;

import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.MixingPolicyProvider;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.signal.BlockLosses;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import dev.datamix.signal.SignalKind;
import dev.datamix.signal.SignalRequest;
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
 * Per-step cost of a policy's decision path: {@code signalsFor}, the observations it asked for
 * (synthetic losses, scores and a 64-block batch of block losses), and {@code mixture}. Every
 * registered policy at K = 8, 64 and 1,024 domains. One op = one step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class PolicyDecisionBenchmark {
  @Param({"continual", "dga", "explicit", "importance", "lfr", "piecewise", "proportional",
      "temperature", "uniform", "velocitune"})
  public String policy;

  @Param({"8", "64", "1024"})
  public int domains;

  private MixingPolicy instance;
  private DoubleVector losses;
  private DoubleVector counts;
  private int[] blockDomains;
  private long[] blocks;
  private float[] blockLosses;
  private long step;

  @Setup
  public void setUp() {
    List<Domain> d = new ArrayList<>();
    double[] l = new double[domains];
    double[] c = new double[domains];
    for (int i = 0; i < domains; i++) {
      d.add(new Domain("d" + i, 100_000, 100_000L * 512));
      l[i] = 2.0 + (i % 13) * 0.1;
      c[i] = 1;
    }
    PolicyRegistry registry = PolicyRegistry.load();
    MixingPolicyProvider p = registry.provider(policy);
    PolicyContext context = new PolicyContext(d, 1, 1_000_000, 64);
    instance = registry.create(policy, context,
        SampleConfigs.forPolicy(p, context.domainNames()));
    losses = DoubleVector.of(l);
    counts = DoubleVector.of(c);
    blockDomains = new int[64];
    blocks = new long[64];
    blockLosses = new float[64];
    for (int i = 0; i < 64; i++) {
      blockDomains[i] = (i * 7) % domains;
      blocks[i] = i * 31L;
      blockLosses[i] = 2.5f + (i % 5) * 0.1f;
    }
  }

  /** One step of decisions. */
  @Benchmark
  public void step(Blackhole bh) {
    long t = step++;
    SignalRequest r = instance.signalsFor(t);
    if (r.contains(SignalKind.HELD_OUT_LOSS)) {
      instance.observe(new Observation.HeldOutLoss(t, losses));
    }
    if (r.contains(SignalKind.GRADIENT_ALIGNMENT)) {
      int m = r.alignmentProbes().size();
      double[] s = new double[m];
      for (int i = 0; i < m; i++) {
        s[i] = 0.01 * (i % 7);
      }
      instance.observe(new Observation.GradientAlignment(t, DoubleVector.of(s),
          DoubleVector.filled(m, 1.0), 1.0, DoubleVector.empty()));
    }
    Mixture m = instance.mixture(t);
    bh.consume(m);
    if (r.contains(SignalKind.TRAINING_LOSS)) {
      instance.observe(new Observation.TrainingLoss(t, losses, counts));
    }
    if (r.contains(SignalKind.BLOCK_LOSSES)) {
      instance.observe(BlockLosses.of(t, blockDomains, blocks, blockLosses, 64));
    }
  }
}
