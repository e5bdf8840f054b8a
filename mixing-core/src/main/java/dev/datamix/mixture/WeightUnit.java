package dev.datamix.mixture;

import java.util.Locale;

/**
 * What a mixture's weights are shares of. Every policy's mixture is a share of <b>tokens</b>:
 * blocks have a fixed length, so a share of the blocks drawn is a share of the tokens trained on
 * (Megatron-LM's blend weights and OLMo-core's source mixtures mean the same). A static mix may
 * be written as shares of <b>documents</b> instead, as Hugging Face's {@code interleave_datasets}
 * probabilities are: {@link #toTokenShares} turns it into token shares by each domain's mean
 * document length, {@code w_tok(d) ∝ w_doc(d) · tokens(d) / documents(d)}.
 */
public enum WeightUnit {
  /** Shares of the tokens trained on: what the sampler draws by. */
  TOKENS,
  /** Shares of the documents trained on, converted by mean document length. */
  DOCUMENTS;

  /** The config spelling, {@code "tokens"} or {@code "documents"}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses the config spelling.
   *
   * @throws IllegalArgumentException naming the value
   */
  public static WeightUnit fromId(String id) {
    for (WeightUnit u : values()) {
      if (u.id().equals(id)) {
        return u;
      }
    }
    throw new IllegalArgumentException("weightUnit must be 'tokens' or 'documents', got '" + id
        + "'");
  }

  /**
   * The token shares of a mixture in document shares.
   *
   * @param tokensPerDocument each domain's mean document length in tokens, in the mixture's
   *     order, every value {@code > 0}
   */
  public static Mixture toTokenShares(Mixture documentShares, double[] tokensPerDocument) {
    double[] w = documentShares.toArray();
    for (int d = 0; d < w.length; d++) {
      w[d] *= tokensPerDocument[d];
    }
    return Mixture.normalise(documentShares.names(), w);
  }
}
