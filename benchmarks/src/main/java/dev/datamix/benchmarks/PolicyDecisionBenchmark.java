package dev.datamix.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.mixture.Domain;
import dev.datamix.testkit.SampleConfigs;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.MixingPolicyProvider;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.signal.BlockLosses;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import dev.datamix.signal.ReferenceLosses;
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
 * registered policy at K = 8, 64 and 1,024 domains. One op = one step, the loss weights the
 * trainer reads included. ADO keeps every step's losses, so it starts afresh every {@value
 * #ADO_RESTART} steps (its memory would otherwise grow through the run) and is fitted once per
 * restart, at step 100; {@link AdoRefitBenchmark} measures a refit alone. Aioli runs its own
 * schedule (one-step segments, rounds of 4·K steps), so its rounds' law estimates ({@code O(K²)})
 * are amortised over the steps as in training.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class PolicyDecisionBenchmark {
  @Param({"ado", "aioli", "continual", "dga", "doremi", "explicit", "importance", "lfr", "odm",
      "piecewise", "proportional", "temperature", "uniform", "velocitune"})
  public String policy;

  @Param({"8", "64", "1024"})
  public int domains;

  /** Steps after which ADO's benchmark instance starts afresh. */
  static final int ADO_RESTART = 10_000;

  private MixingPolicy instance;
  private PolicyContext context;
  private JsonNode config;
  private DoubleVector losses;
  private DoubleVector counts;
  private int[] blockDomains;
  private long[] blocks;
  private float[] blockLosses;
  private float[] referenceLosses;
  private float[] excess;
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
    context = new PolicyContext(d, 1, 1_000_000, 64);
    config = SampleConfigs.forPolicy(p, context.domainNames());
    instance = registry.create(policy, context, config);
    losses = DoubleVector.of(l);
    counts = DoubleVector.of(c);
    blockDomains = new int[64];
    blocks = new long[64];
    blockLosses = new float[64];
    referenceLosses = new float[64];
    excess = new float[64];
    for (int i = 0; i < 64; i++) {
      blockDomains[i] = (i * 7) % domains;
      blocks[i] = i * 31L;
      blockLosses[i] = 2.5f + (i % 5) * 0.1f;
      referenceLosses[i] = 2.4f + (i % 3) * 0.05f;
      excess[i] = Math.max(0f, blockLosses[i] - referenceLosses[i]);
    }
  }

  /** One step of decisions. */
  @Benchmark
  public void step(Blackhole bh) {
    if (policy.equals("ado") && step == ADO_RESTART) {
      instance = PolicyRegistry.load().create(policy, context, config);
      step = 0;
    }
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
    bh.consume(instance.lossWeights(t));
    if (r.contains(SignalKind.TRAINING_LOSS)) {
      instance.observe(new Observation.TrainingLoss(t, losses, counts));
    }
    if (r.contains(SignalKind.BLOCK_LOSSES)) {
      instance.observe(BlockLosses.of(t, blockDomains, blocks, blockLosses, 64));
    }
    if (r.contains(SignalKind.REFERENCE_LOSS)) {
      instance.observe(ReferenceLosses.of(t, blockDomains, blocks, referenceLosses, excess, 64,
          true));
    }
  }
}
