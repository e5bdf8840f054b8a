package dev.datamix.djl.train;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.random.Seeds;
import dev.datamix.stats.Bootstrap;
import java.util.ArrayList;
import java.util.List;

/** Evaluates a model on every block of a split (see {@link SplitEvaluation}). */
final class WholeSplit {
  private WholeSplit() {}

  static SplitEvaluation evaluate(Corpus corpus, Split split, int[] corpusDomains,
      TrainingConfig config, ModelState state) {
    long start = System.nanoTime();
    List<SplitEvaluation.Score> scores = new ArrayList<>();
    double mean = 0;
    double variance = 0;
    for (int d : corpusDomains) {
      SplitEvaluation.Score s = score(corpus, split, d, config, state);
      scores.add(s);
      mean += s.bpb() / corpusDomains.length;
      variance += s.bpbSe() * s.bpbSe() / ((double) corpusDomains.length * corpusDomains.length);
    }
    SplitEvaluation.Score target = config.targetDomain().isEmpty() ? null
        : score(corpus, split, corpus.domainIndex(config.targetDomain()), config, state);
    return new SplitEvaluation(split.id(), scores, target, mean, Math.sqrt(variance),
        (System.nanoTime() - start) / 1e9);
  }

  private static SplitEvaluation.Score score(Corpus corpus, Split split, int domain,
      TrainingConfig config, ModelState state) {
    String name = corpus.domainNames().get(domain);
    HeldOutEvaluator e = new HeldOutEvaluator(corpus, split, new int[] {domain},
        HeldOutEvaluator.ALL_BLOCKS, config.evalBatchSize());
    double[] losses = e.perBlockLosses(state.model(), state.parameters(), state.manager(),
        state.devices()[0])[0];
    if (losses.length == 0) {
      return new SplitEvaluation.Score(name, 0, Double.NaN, Double.NaN, Double.NaN);
    }
    double nats = 0;
    for (double l : losses) {
      nats += l / losses.length;
    }
    double toBpb = corpus.bitsPerByte(1.0, domain, split);
    double se = Bootstrap.standardErrorOfMean(losses, Bootstrap.DEFAULT_RESAMPLES,
        Seeds.hash(config.seed(), Seeds.fingerprint(name), split.ordinal()));
    return new SplitEvaluation.Score(name, losses.length, nats, nats * toBpb, se * toBpb);
  }
}
