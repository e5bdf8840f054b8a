package dev.datamix.dga;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores how target-like each domain is, for {@code importance} sampling: {@code s_i =
 * exp(−(H_i − min_j H_j))}, where {@code H_i} is the cross-entropy (nats per token) of the target
 * blocks under an add-α smoothed n-gram model of domain {@code i} estimated from the first tokens
 * of its training split — a bigram model for vocabularies up to 1,024 tokens, a unigram model
 * above (a bigram table would not fit). The target blocks are the first {@code targetBlocks}
 * training blocks of the target domain, the same small set DGA's probes use.
 */
public final class TargetSimilarity {
  private TargetSimilarity() {}

  /**
   * The scores.
   *
   * @param sampleTokens tokens read from the start of each domain's training split
   * @param alpha add-α smoothing, {@code > 0}
   * @throws IllegalArgumentException naming an unknown domain or a bad setting
   */
  public static Map<String, Double> scores(Corpus corpus, List<String> domains, String target,
      int targetBlocks, int sampleTokens, double alpha) {
    if (!(alpha > 0) || sampleTokens < 2 || targetBlocks < 1) {
      throw new IllegalArgumentException("need alpha > 0, sampleTokens >= 2, targetBlocks >= 1, "
          + "got " + alpha + ", " + sampleTokens + ", " + targetBlocks);
    }
    int vocab = corpus.manifest().vocabSize();
    boolean bigram = vocab <= 1024;
    int t = corpus.domainIndex(target);
    int blocks = (int) Math.min(targetBlocks, corpus.blocks(t, Split.TRAIN));
    int row = corpus.blockLength() + 1;
    int[] targetTokens = new int[blocks * row];
    for (int b = 0; b < blocks; b++) {
      corpus.readBlock(t, Split.TRAIN, b, targetTokens, b * row);
    }
    Map<String, Double> entropy = new LinkedHashMap<>();
    double min = Double.POSITIVE_INFINITY;
    for (String name : domains) {
      int d = corpus.domainIndex(name);
      int n = (int) Math.min(sampleTokens, corpus.tokens(d, Split.TRAIN));
      int[] sample = new int[n];
      corpus.readTokens(d, Split.TRAIN, 0, n, sample, 0);
      double h = bigram ? bigramEntropy(sample, targetTokens, row, vocab, alpha)
          : unigramEntropy(sample, targetTokens, vocab, alpha);
      entropy.put(name, h);
      min = Math.min(min, h);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : entropy.entrySet()) {
      out.put(e.getKey(), Math.exp(-(e.getValue() - min)));
    }
    return out;
  }

  private static double bigramEntropy(int[] sample, int[] target, int row, int vocab,
      double alpha) {
    int[] pair = new int[vocab * vocab];
    int[] context = new int[vocab];
    for (int i = 1; i < sample.length; i++) {
      pair[sample[i - 1] * vocab + sample[i]]++;
      context[sample[i - 1]]++;
    }
    double h = 0;
    long count = 0;
    for (int start = 0; start < target.length; start += row) {
      for (int i = start + 1; i < start + row; i++) {
        int prev = target[i - 1];
        double p = (pair[prev * vocab + target[i]] + alpha) / (context[prev] + alpha * vocab);
        h -= Math.log(p);
        count++;
      }
    }
    return h / count;
  }

  private static double unigramEntropy(int[] sample, int[] target, int vocab, double alpha) {
    int[] counts = new int[vocab];
    for (int x : sample) {
      counts[x]++;
    }
    double h = 0;
    for (int x : target) {
      h -= Math.log((counts[x] + alpha) / (sample.length + alpha * vocab));
    }
    return h / target.length;
  }
}
