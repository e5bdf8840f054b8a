package dev.datamix.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.PolicyContext;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.signal.BlockLosses;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import dev.datamix.signal.ReferenceLosses;
import dev.datamix.signal.SignalKind;
import dev.datamix.signal.SignalMeter;
import dev.datamix.signal.SignalRequest;
import dev.datamix.sim.SimulatedLearner;
import dev.datamix.sim.Simulation;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The behaviour every {@link MixingPolicy} must have. Each policy's test extends this class and
 * implements {@link #newPolicy}; the runs use the {@link SimulatedLearner}, so they take
 * milliseconds.
 */
public abstract class MixingPolicyContractTest {

  /** A new policy of the kind under test for {@code context}. */
  protected abstract MixingPolicy newPolicy(PolicyContext context);

  /** The simulated learner the contract runs on; override for policies that need a target. */
  protected SimulatedLearner newLearner() {
    return SimulatedLearner.demo(11);
  }

  /** Steps per contract run, long enough for the policy to update several times. */
  protected long steps() {
    return 240;
  }

  /** Blocks per step. */
  protected int batchSize() {
    return 16;
  }

  /** The context of a contract run with {@code seed}. */
  protected PolicyContext context(long seed) {
    return new PolicyContext(newLearner().domains(), seed, steps(), batchSize());
  }

  /**
   * The frozen reference model of a policy that asks for {@link SignalKind#REFERENCE_LOSS}: by
   * default {@link #newLearner()} trained 200 steps on a uniform mix.
   */
  protected SimulatedLearner newReference() {
    SimulatedLearner ref = newLearner();
    java.util.List<String> names = Domain.names(ref.domains());
    DataMixer uniform = new DataMixer(dev.datamix.policy.PolicyRegistry.load().create("uniform",
        PolicyContext.of(ref.domains(), 0), java.util.Map.of()), SamplerOptions.seed(0));
    new Simulation(uniform, ref, batchSize()).run(200);
    assertEquals(names, Domain.names(ref.domains()));
    return ref;
  }

  private Simulation simulation(long seed) {
    return simulate(newPolicy(context(seed)), newLearner(), seed);
  }

  private Simulation simulate(MixingPolicy policy, SimulatedLearner learner, long seed) {
    DataMixer mixer = new DataMixer(policy, SamplerOptions.seed(seed));
    Simulation s = new Simulation(mixer, learner, batchSize());
    return policy.possibleSignals().contains(SignalKind.REFERENCE_LOSS)
        ? s.withReference(newReference()) : s;
  }

  private static List<Mixture> mixtures(List<Simulation.StepRecord> records) {
    List<Mixture> out = new ArrayList<>();
    for (Simulation.StepRecord r : records) {
      out.add(r.mixture());
    }
    return out;
  }

  @Test
  void weightsStayOnTheSimplexAtEveryStep() {
    for (Simulation.StepRecord r : simulation(1).run(steps())) {
      double sum = 0;
      for (int i = 0; i < r.mixture().size(); i++) {
        double w = r.mixture().weight(i);
        assertTrue(Double.isFinite(w) && w >= 0, "step " + r.step() + " weight " + w);
        sum += w;
      }
      assertEquals(1.0, sum, 1e-9, "weights sum at step " + r.step());
    }
  }

  @Test
  void mixtureNamesTheContextDomainsInOrder() {
    Simulation s = simulation(1);
    Mixture m = s.step().mixture();
    assertEquals(Domain.names(newLearner().domains()), m.names());
  }

  @Test
  void sameSeedAndObservationsGiveIdenticalRuns() {
    List<Simulation.StepRecord> a = simulation(5).run(steps());
    List<Simulation.StepRecord> b = simulation(5).run(steps());
    assertEquals(mixtures(a), mixtures(b));
    for (int i = 0; i < a.size(); i++) {
      assertTrue(Arrays.equals(a.get(i).blocks(), b.get(i).blocks()), "blocks at step " + i);
    }
  }

  @Test
  void snapshotThenRestoreContinuesExactlyLikeAnUninterruptedRun() {
    long half = steps() / 2;
    List<Simulation.StepRecord> full = simulation(3).run(steps());

    Simulation first = simulation(3);
    first.run(half);
    String saved = Json.write(first.mixer().snapshot());
    SimulatedLearner learnerAtHalf = first.learner().copy();

    MixingPolicy again = newPolicy(context(3));
    Simulation second = simulate(again, learnerAtHalf, 3);
    second.mixer().restore(Json.parse(saved));
    List<Simulation.StepRecord> rest = second.startingAt(half).run(steps() - half);

    for (int i = 0; i < rest.size(); i++) {
      Simulation.StepRecord expected = full.get((int) half + i);
      Simulation.StepRecord actual = rest.get(i);
      assertEquals(expected.mixture(), actual.mixture(), "mixture at step " + expected.step());
      assertTrue(Arrays.equals(expected.domains(), actual.domains()),
          "domains at step " + expected.step());
      assertTrue(Arrays.equals(expected.blocks(), actual.blocks()),
          "blocks at step " + expected.step());
      assertEquals(expected.request(), actual.request(), "request at step " + expected.step());
      assertEquals(expected.lossWeights(), actual.lossWeights(),
          "loss weights at step " + expected.step());
    }
  }

  @Test
  void aRestoredPolicySnapshotsExactlyAsTheOriginal() {
    Simulation s = simulation(2);
    s.run(steps() / 3);
    String early = Json.write(s.mixer().policy().snapshot());
    MixingPolicy restored = newPolicy(context(2));
    restored.restore(Json.parse(early));
    assertEquals(early, Json.write(restored.snapshot()),
        "every field read back and written again unchanged");
    assertEquals(newPolicy(context(2)).name(), Json.parse(early).get("policy").asText());
    s.run(steps() / 3);
    assertNotEquals(early, Json.write(s.mixer().policy().snapshot()),
        "the snapshot follows the state as the run goes on");
  }

  /**
   * Which measurements a spoiled meter drops. "Every other" counts the meter's calls of one kind,
   * so a policy that measures every {@code m} steps sees measured and unmeasured values in turn.
   */
  enum Unmeasured {
    /** Every domain, every time. */
    EVERY_DOMAIN,
    /** Every domain, every other measurement. */
    EVERY_OTHER_TIME,
    /** The first domain, every other measurement (measured first, missing later). */
    FIRST_DOMAIN_EVERY_OTHER_TIME
  }

  /**
   * Every signal kind a policy can ask for arrives not measured, as the trainer sends it: a
   * non-finite held-out loss or block loss as NaN (training loss follows from the block
   * losses), a non-finite gradient probe as no alignment at all. Weights stay valid throughout.
   */
  @ParameterizedTest
  @EnumSource(Unmeasured.class)
  void signalsNotMeasuredNeverProduceInvalidWeights(Unmeasured which) {
    Simulation s = simulate(newPolicy(context(4)), newLearner(), 4).measuredThrough(
        meter -> new SpoiledMeter(meter, which));
    for (Simulation.StepRecord r : s.run(steps())) {
      for (int i = 0; i < r.mixture().size(); i++) {
        double w = r.mixture().weight(i);
        assertTrue(Double.isFinite(w) && w >= 0, which + ": step " + r.step() + " weight " + w);
      }
    }
  }

  /** A meter whose measurements are NaN (or absent) where {@link Unmeasured} says. */
  private static final class SpoiledMeter implements SignalMeter {
    private final SignalMeter meter;
    private final Unmeasured which;

    SpoiledMeter(SignalMeter meter, Unmeasured which) {
      this.meter = meter;
      this.which = which;
    }

    private final long[] calls = new long[4];

    /** Counts a call of measurement kind {@code kind}; true if this call is an odd one. */
    private boolean oddCall(int kind) {
      return calls[kind]++ % 2 == 1;
    }

    private boolean spoiled(boolean oddCall, int domain) {
      return switch (which) {
        case EVERY_DOMAIN -> true;
        case EVERY_OTHER_TIME -> oddCall;
        case FIRST_DOMAIN_EVERY_OTHER_TIME -> oddCall && domain == 0;
      };
    }

    @Override
    public Observation.HeldOutLoss heldOutLoss(long step) {
      double[] v = meter.heldOutLoss(step).loss().toArray();
      boolean odd = oddCall(0);
      for (int d = 0; d < v.length; d++) {
        v[d] = spoiled(odd, d) ? Double.NaN : v[d];
      }
      return new Observation.HeldOutLoss(step, DoubleVector.of(v));
    }

    @Override
    public Observation.GradientAlignment gradientAlignment(long step, List<Mixture> probes,
        boolean fullGram) {
      Observation.GradientAlignment a = meter.gradientAlignment(step, probes, fullGram);
      return spoiled(oddCall(1), 0) ? null : a;
    }

    @Override
    public BlockLosses batchLosses(long step) {
      BlockLosses b = meter.batchLosses(step);
      int[] d = new int[b.size()];
      long[] blocks = new long[b.size()];
      float[] losses = new float[b.size()];
      boolean odd = oddCall(2);
      for (int i = 0; i < b.size(); i++) {
        d[i] = b.domain(i);
        blocks[i] = b.block(i);
        losses[i] = spoiled(odd, d[i]) ? Float.NaN : b.loss(i);
      }
      return BlockLosses.of(step, d, blocks, losses, b.size());
    }

    @Override
    public ReferenceLosses referenceLosses(long step) {
      ReferenceLosses r = meter.referenceLosses(step);
      int n = r.size();
      int[] d = new int[n];
      long[] blocks = new long[n];
      float[] ref = new float[n];
      float[] excess = new float[n];
      boolean odd = oddCall(3);
      for (int i = 0; i < n; i++) {
        d[i] = r.domain(i);
        blocks[i] = r.block(i);
        boolean spoil = spoiled(odd, d[i]);
        ref[i] = spoil ? Float.NaN : r.reference(i);
        excess[i] = spoil ? Float.NaN : r.excess(i);
      }
      return ReferenceLosses.of(step, d, blocks, ref, excess, n, r.tokenLevel());
    }
  }

  @Test
  void observationForAnotherStepIsACallOrderError() {
    MixingPolicy p = newPolicy(context(1));
    p.signalsFor(0);
    int k = p.domains().size();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> p.observe(new Observation.HeldOutLoss(1, DoubleVector.filled(k, 1.0))));
    assertTrue(e.getMessage().contains("step 1"), e.getMessage());
  }

  @Test
  void lossVectorOfWrongLengthIsRejectedNamingTheParameter() {
    MixingPolicy p = newPolicy(context(1));
    p.signalsFor(0);
    int k = p.domains().size();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> p.observe(new Observation.HeldOutLoss(0, DoubleVector.filled(k + 1, 1.0))));
    assertTrue(e.getMessage().contains("loss") && e.getMessage().contains(String.valueOf(k + 1)),
        e.getMessage());
  }

  @Test
  void stepsCannotGoBackwards() {
    MixingPolicy p = newPolicy(context(1));
    p.mixture(5);
    assertThrows(IllegalStateException.class, () -> p.mixture(4));
    assertThrows(IllegalStateException.class, () -> p.signalsFor(3));
    assertThrows(IllegalArgumentException.class, () -> newPolicy(context(1)).mixture(-1));
  }

  @Test
  void restoreRejectsOtherDomainsNamingExpectedAndFound() {
    JsonNode snap = newPolicy(context(1)).snapshot();
    ObjectNode tampered = (ObjectNode) snap.deepCopy();
    tampered.putArray("domains").add("something-else");
    IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
        () -> newPolicy(context(1)).restore(tampered));
    assertTrue(e.getMessage().contains("expected") && e.getMessage().contains("something-else"),
        e.getMessage());
  }

  @Test
  void restoreRejectsAnotherPolicyKind() {
    ObjectNode tampered = (ObjectNode) newPolicy(context(1)).snapshot().deepCopy();
    tampered.put("policy", "no-such-policy");
    IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
        () -> newPolicy(context(1)).restore(tampered));
    assertTrue(e.getMessage().contains("no-such-policy"), e.getMessage());
  }

  @Test
  void restoreRejectsANewerStateVersion() {
    ObjectNode tampered = (ObjectNode) newPolicy(context(1)).snapshot().deepCopy();
    tampered.put("stateVersion", 99);
    IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
        () -> newPolicy(context(1)).restore(tampered));
    assertTrue(e.getMessage().contains("99"), e.getMessage());
  }

  @Test
  void restoreRejectsMalformedState() {
    assertThrows(IncompatibleStateException.class,
        () -> newPolicy(context(1)).restore(Json.parse("{\"stateVersion\": \"one\"}")));
    assertThrows(IncompatibleStateException.class,
        () -> newPolicy(context(1)).restore(Json.parse("[1, 2]")));
  }

  @Test
  void restoreAfterTheFirstStepIsACallOrderError() {
    MixingPolicy p = newPolicy(context(1));
    JsonNode snap = p.snapshot();
    p.mixture(0);
    assertThrows(IllegalStateException.class, () -> p.restore(snap));
  }

  @Test
  void possibleSignalsCoverEveryRequest() {
    Set<SignalKind> possible = newPolicy(context(1)).possibleSignals();
    assertNotNull(possible);
    Set<SignalKind> asked = EnumSet.noneOf(SignalKind.class);
    for (Simulation.StepRecord r : simulation(1).run(steps())) {
      assertTrue(possible.containsAll(r.request().kinds()),
          "step " + r.step() + " requested " + r.request() + " beyond " + possible);
      asked.addAll(r.request().kinds());
    }
    if (asksForEveryPossibleSignal()) {
      assertEquals(possible, asked, "every signal the policy says it may ask for, it asks for "
        + "in a contract run (or the run is too short to show it: override steps())");
    }
  }

  /**
   * Whether a contract run asks for every signal in {@link MixingPolicy#possibleSignals()}; a
   * policy that routes signals to configurable inner policies answers false.
   */
  protected boolean asksForEveryPossibleSignal() {
    return true;
  }
}
