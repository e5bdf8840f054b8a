package dev.datamix.staticmix;

import dev.datamix.policy.Horizon;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.config.PolicyConfig;
import dev.datamix.mixture.Mixture;
import dev.datamix.policy.AbstractMixingPolicy;
import dev.datamix.policy.PolicyContext;
import dev.datamix.state.StateReader;

/**
 * A mixture fixed for the whole run: the baseline every mixing paper compares against. Made by the
 * {@code explicit}, {@code proportional}, {@code temperature} and {@code uniform} providers; asks
 * for no signals and has no state beyond its step.
 *
 * @see <a href="https://arxiv.org/abs/2411.05735">Chen et al., Aioli: A Unified Optimization
 *     Framework for Language Model Data Mixing, 2024 (stratified sampling as the baseline)</a>
 */
public final class StaticMixPolicy extends AbstractMixingPolicy {
  private final Mixture mixture;

  /**
   * @param name the registered name of the provider that made it
   * @param mixture the mixture, over the context's domains
   */
  public StaticMixPolicy(String name, PolicyContext context, PolicyConfig config, Mixture mixture) {
    super(name, context, config);
    if (!mixture.names().equals(context.domainNames())) {
      throw new IllegalArgumentException("mixture domains " + mixture.names()
          + " must equal the context's domains " + context.domainNames());
    }
    this.mixture = mixture;
  }

  @Override
  protected Mixture currentMixture(long step) {
    return mixture;
  }

  @Override
  protected void writeState(ObjectNode state) {}

  @Override
  protected void readState(StateReader state) {}

  /** Independent of the planned number of steps: no decision reads it. */
  @Override
  public Horizon horizon() {
    return Horizon.independent();
  }
}
