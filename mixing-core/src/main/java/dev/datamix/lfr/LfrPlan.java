package dev.datamix.lfr;

import dev.datamix.mixture.Domain;
import dev.datamix.policy.PolicyContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether LFR's first selection can happen within the run: a domain's Learn phase ends after
 * {@code learnEpochs × blocks} of its blocks were drawn, and the run draws {@code totalSteps ×
 * blocksPerStep} blocks in all. Alone, LFR weights domains by their blocks, so every domain gets
 * the same share of its epoch; with a {@code domainPolicy} the weights are not known ahead, and the
 * estimate assumes equal shares.
 */
final class LfrPlan {
  private LfrPlan() {}

  static List<String> notices(PolicyContext context, double learnEpochs, boolean alone) {
    List<String> out = new ArrayList<>();
    if (context.totalSteps() == 0 || context.blocksPerStep() == 0) {
      return out;
    }
    double drawn = (double) context.totalSteps() * context.blocksPerStep();
    long all = 0;
    for (Domain d : context.domains()) {
      all += d.blocks();
    }
    List<String> never = new ArrayList<>();
    for (Domain d : context.domains()) {
      double share = alone ? (double) d.blocks() / all : 1.0 / context.size();
      double epochs = drawn * share / d.blocks();
      if (epochs < learnEpochs) {
        never.add(String.format(Locale.ROOT, "%s (%.3g of %.3g epochs)", d.name(), epochs,
            learnEpochs));
      }
    }
    if (!never.isEmpty()) {
      out.add(String.format(Locale.ROOT, "lfr: the run draws %,.0f blocks, too few to end the "
          + "Learn phase (learnEpochs = %s) of %d of %d domains: %s; no Focus selection happens "
          + "there and LFR trains like its domain weights (%s) alone. Lower learnEpochs or train "
          + "longer.", drawn, learnEpochs, never.size(), context.size(), String.join(", ", never),
          alone ? "proportional" : "an equal share assumed for the domainPolicy"));
    }
    return out;
  }
}
