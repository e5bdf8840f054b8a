package dev.datamix.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.config.PolicyConfig;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.LossWeights;
import dev.datamix.mixture.Mixture;
import dev.datamix.sampler.BlockSelection;
import dev.datamix.sampler.BlockSelector;
import dev.datamix.signal.Observation;
import dev.datamix.signal.SignalRequest;
import dev.datamix.state.IncompatibleStateException;
import java.util.List;
import java.util.Set;

/**
 * A data-mixing strategy: decides, step by step, which data the model sees next.
 *
 * <p>A policy is a deterministic state machine fed with measurements. It never touches the model:
 * it asks the trainer for <em>signals</em>, receives <em>observations</em>, and answers the
 * <em>mixture</em> (weights over domains) and the eligible <em>blocks</em> inside each domain.
 *
 * <h2>Lifecycle and call order</h2>
 *
 * <ol>
 *   <li><b>Create</b> through {@link MixingPolicyProvider#create} (usually via {@link
 *       PolicyRegistry}), with the domains, the seed and a validated config.
 *   <li><b>Restore</b> (optional, only before the first step call): {@link #restore} with a state
 *       from {@link #snapshot} of a policy made with the same name, config and domains.
 *   <li>For each training step {@code t = 0, 1, 2, ...} in increasing order:
 *       <ol>
 *         <li>{@link #signalsFor signalsFor(t)}: what to measure for this step.
 *         <li>For each requested signal with timing {@code BEFORE_STEP} (held-out loss, gradient
 *             alignment), the trainer measures on the current parameters and calls {@link
 *             #observe} with an observation of step {@code t}. Events ({@code PhaseSwitch})
 *             are delivered here too.
 *         <li>{@link #mixture mixture(t)} and {@link #blockSelection} (for domains being drawn):
 *             the batch of step {@code t} is drawn from these.
 *         <li>The trainer trains on the batch, then calls {@link #observe} with the requested
 *             {@code AFTER_STEP} signals (training loss, block losses) of step {@code t}.
 *       </ol>
 *   <li><b>Snapshot</b> (between steps, after step {@code t}'s last observation): {@link
 *       #snapshot}. A fresh policy restored from it behaves exactly as this one from step {@code
 *       t + 1} on, given the same observations.
 * </ol>
 *
 * <p>Calling {@link #signalsFor} or {@link #mixture} with a step greater than the current one
 * advances the policy to that step (a trainer that never measures anything may call only {@link
 * #mixture}); a smaller step, or an observation for a step other than the current one, is a call
 * order error ({@link IllegalStateException}). {@link #mixture} is idempotent within a step.
 *
 * <p>Observations carry per-domain vectors in {@link #domains()} order; {@code NaN} entries mean
 * "not measured". A vector of the wrong length or a value out of range raises {@link
 * IllegalArgumentException} naming the parameter and value, and leaves the state unchanged.
 *
 * <p><b>Threads:</b> a policy is not thread-safe. Confine it to the training thread, or guard it.
 *
 * <p><b>Determinism:</b> every random choice a policy makes derives from {@code (seed, step, ...)}
 * (see {@link dev.datamix.random.Seeds}); identical creation and observations give identical
 * mixtures.
 */
public interface MixingPolicy extends BlockSelector {

  /** The registered name of this policy's kind, for example {@code "temperature"}. */
  String name();

  /** The training domains, in the order of every per-domain vector. */
  List<Domain> domains();

  /** The validated configuration, defaults filled in. */
  PolicyConfig config();

  /**
   * Every signal kind this policy may ever request, so a trainer can prepare (load validation
   * blocks, keep per-block loss vectors, set up gradient probes) before step 0.
   */
  Set<dev.datamix.signal.SignalKind> possibleSignals();

  /**
   * The signals the trainer must measure for step {@code step}; advances the policy to that step.
   *
   * @throws IllegalStateException if {@code step} is before the current step
   */
  SignalRequest signalsFor(long step);

  /**
   * Takes a measurement for the current step.
   *
   * @throws IllegalStateException if {@code observation.step()} is not the current step
   * @throws IllegalArgumentException if a vector has the wrong length or a value is out of range
   */
  void observe(Observation observation);

  /**
   * The mixture in force at {@code step}; advances the policy to that step.
   *
   * @throws IllegalStateException if {@code step} is before the current step
   */
  Mixture mixture(long step);

  /**
   * The weights on the training loss per domain at {@code step}, beside the sampling mixture (see
   * {@link LossWeights}); called after {@link #mixture mixture(step)}. The default, {@link
   * LossWeights#none()}, is the plain mean over the batch. DoReMi's proxy answers {@code α / p}.
   * Trainers that honour them: the DJL trainer, the DJL listener adapter's {@code
   * WeightedNextTokenLoss}, and the simulated learner.
   */
  default LossWeights lossWeights(long step) {
    return LossWeights.none();
  }

  /**
   * The blocks of domain {@code domain} (an index into {@link #domains()}) eligible at the current
   * step. The default is every block, once per domain-epoch.
   */
  @Override
  default BlockSelection blockSelection(int domain) {
    return BlockSelection.all(domains().get(domain).blocks());
  }

  /**
   * How this policy wants each batch's blocks shared among the domains when the trainer leaves
   * it to the policy (the DJL trainer's {@code allocation: auto}): independent draws ({@link
   * dev.datamix.sampler.SamplerOptions.Allocation#RANDOM}, the default) or the mixture's counts
   * exactly ({@code EXACT}). A continual plan's replay share is meant per batch, so it prefers
   * {@code EXACT}.
   */
  default dev.datamix.sampler.SamplerOptions.Allocation preferredAllocation() {
    return dev.datamix.sampler.SamplerOptions.Allocation.RANDOM;
  }

  /**
   * The training phase at {@code step}. Policies without phases answer {@link Phase#SINGLE}; a
   * continual pre-training plan answers its phases so the trainer can rewarm the learning rate and
   * reset the optimizer when the phase index changes.
   */
  default Phase phase(long step) {
    return Phase.SINGLE;
  }

  /**
   * How this policy's decisions depend on the run's planned length, {@link
   * PolicyContext#totalSteps()}: whether a resumed run may be given another number of steps
   * without changing a decision already taken. The default is {@link Horizon#undeclared}, which
   * refuses; a policy that never reads {@code totalSteps} answers {@link Horizon#independent()}.
   */
  default Horizon horizon() {
    return Horizon.undeclared(name());
  }

  /**
   * What in this policy's plan cannot take effect within the run it was created for ({@link
   * PolicyContext#totalSteps()} steps of {@link PolicyContext#blocksPerStep()} blocks), one
   * sentence each, naming the config key and the figures: LFR whose Learn phase outlasts the run,
   * a continual phase that starts after the last step. A policy that cannot act at all within the
   * budget would otherwise train exactly like a static mix without a word. The trainer logs them
   * when a run starts, writes them to the first step's line of {@code metrics.jsonl} ({@code
   * "notices"}), and the reports show them. The default: none.
   */
  default List<String> planNotices() {
    return List.of();
  }

  /**
   * What happened at {@code step} that limits what this policy can still do, one sentence each
   * (Velocitune: a domain whose velocity reached 0 gets no more weight from its gap). Called
   * after step {@code step}'s last observation; a function of the state, so a restored policy
   * says the same. The trainer writes them to that step's line of {@code metrics.jsonl} ({@code
   * "notices"}) and logs them. The default: none.
   */
  default List<String> stepNotices(long step) {
    return List.of();
  }

  /**
   * The complete state as JSON: policy name, config, domain names, current step and the policy's
   * own counters and weights. Doubles are stored exactly.
   */
  JsonNode snapshot();

  /**
   * Replaces the state with one from {@link #snapshot}.
   *
   * @throws IncompatibleStateException if the state is malformed or was written by another policy
   *     kind, for other domains or with another config; the message names expected vs found
   * @throws IllegalStateException if called after the first step call
   */
  void restore(JsonNode state);
}
