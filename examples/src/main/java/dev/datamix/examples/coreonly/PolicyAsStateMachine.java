package dev.datamix.examples.coreonly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Domain;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import dev.datamix.signal.SignalKind;
import dev.datamix.signal.SignalRequest;
import dev.datamix.sim.SimulatedLearner;
import dev.datamix.state.Json;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code mixing-core} alone, from a trainer that is not DJL (a PyTorch job over a socket, a JAX
 * loop through a sidecar, anything that computes losses): the policy is a pure state machine.
 * Each step the loop asks {@code signalsFor(step)}, feeds back the losses it measured as plain
 * numbers, draws the batch's {@code (domain, block)} references, trains, and reports the
 * training losses. Here the "trainer" is {@link SimulatedLearner}, an analytic learner in
 * mixing-core, and the policy is Velocitune (Luo et al., ACL 2025) fed held-out losses. Halfway
 * the mixer's state is saved as JSON and restored into a fresh mixer, which then makes exactly
 * the draws the original makes. No class of DJL is loaded. See {@code
 * examples/core-only/README.md}.
 */
public final class PolicyAsStateMachine {
  private PolicyAsStateMachine() {}

  /** Options: {@code --tiny} (CI size), {@code --work=DIR} (ignored: nothing is written). */
  public static void main(String[] args) {
    boolean tiny = false;
    for (String a : args) {
      if (a.equals("--tiny")) {
        tiny = true;
      } else if (!a.startsWith("--work=")) { // accepted like the other examples; nothing is written
        throw new IllegalArgumentException("unknown option '" + a + "' for example core-only; "
            + "known: --tiny, --work=DIR");
      }
    }
    long steps = tiny ? 40 : 400;
    int batch = 32;
    long seed = 3;
    SimulatedLearner learner = SimulatedLearner.demo(seed);
    List<Domain> domains = learner.domains();
    // targets: what each domain can reach in this budget; a real run gets them from `datamix fit`
    double[] floor = learner.irreducibleLoss();
    ObjectNode targets = Json.object();
    for (int d = 0; d < domains.size(); d++) {
      targets.put(domains.get(d).name(), floor[d] + 0.3);
    }
    JsonNode spec = Json.object().put("policy", "velocitune").set("config",
        Json.object().put("updateEvery", 10).set("targetLosses", targets));
    DataMixer mixer = newMixer(domains, seed, steps, batch, spec);
    BlockBatch drawn = new BlockBatch(batch);
    JsonNode halfway = null;
    SimulatedLearner learnerAtHalfway = null;
    for (long step = 0; step < steps; step++) {
      if (step == steps / 2) {
        halfway = mixer.snapshot();
        learnerAtHalfway = learner.copy();
      }
      runStep(mixer, learner, step, batch, drawn);
      if (step % (steps / 8) == 0) {
        System.out.printf(Locale.ROOT, "step %4d  mixture %s%n", step, mixer.mixture(step));
      }
    }
    System.out.printf(Locale.ROOT, "held-out loss at the end: %s%n",
        format(learner.expectedHeldOutLoss()));

    // resume: a fresh mixer restored from the halfway JSON continues with the same draws
    DataMixer resumed = newMixer(domains, seed, steps, batch, spec);
    resumed.restore(halfway);
    SimulatedLearner replay = learnerAtHalfway;
    DataMixer original = newMixer(domains, seed, steps, batch, spec);
    SimulatedLearner again = SimulatedLearner.demo(seed);
    BlockBatch a = new BlockBatch(batch);
    BlockBatch b = new BlockBatch(batch);
    boolean identical = true;
    for (long step = 0; step < steps; step++) {
      runStep(original, again, step, batch, a);
      if (step >= steps / 2) {
        runStep(resumed, replay, step, batch, b);
        identical &= Arrays.equals(a.domains(), b.domains()) && Arrays.equals(a.blocks(),
            b.blocks());
      }
    }
    System.out.println("restored halfway from JSON, every later draw identical: " + identical);
    if (!identical) {
      throw new IllegalStateException("a restored mixer diverged from the original run");
    }
  }

  private static DataMixer newMixer(List<Domain> domains, long seed, long steps, int batch,
      JsonNode spec) {
    return new DataMixer(PolicyRegistry.load().create(
        new PolicyContext(domains, seed, steps, batch), spec), SamplerOptions.seed(seed));
  }

  /** One step of the loop any trainer runs. */
  private static void runStep(DataMixer mixer, SimulatedLearner learner, long step, int size,
      BlockBatch batch) {
    SignalRequest wanted = mixer.signalsFor(step);
    if (wanted.contains(SignalKind.HELD_OUT_LOSS)) {
      double[] measured = learner.heldOutLoss(step).loss().toArray(); // your evaluation here
      mixer.observe(new Observation.HeldOutLoss(step, DoubleVector.of(measured)));
    }
    mixer.drawBatch(step, size, batch);                          // (domain, block) references
    SimulatedLearner.StepResult result = learner.train(batch);   // your training step here
    if (wanted.contains(SignalKind.TRAINING_LOSS)) {
      mixer.observe(result.trainingLoss());
    }
  }

  private static String format(double[] v) {
    StringBuilder b = new StringBuilder();
    for (double x : v) {
      b.append(String.format(Locale.ROOT, " %.4f", x));
    }
    return b.toString();
  }
}
