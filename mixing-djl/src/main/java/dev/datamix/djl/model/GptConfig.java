package dev.datamix.djl.model;

/**
 * Sizes of a GPT-style decoder.
 *
 * @param vocabSize token ids, {@code > 0}
 * @param context the longest input in tokens (the corpus block length), {@code > 0}
 * @param layers transformer blocks, {@code > 0}
 * @param dModel width, divisible by {@code heads}
 * @param heads attention heads
 * @param mlpRatio MLP hidden width as a multiple of {@code dModel}
 * @param tiedEmbeddings whether the LM head reuses the token embedding matrix
 * @see <a href="https://cdn.openai.com/better-language-models/language_models_are_unsupervised_multitask_learners.pdf">Radford
 *     et al., Language Models are Unsupervised Multitask Learners (GPT-2), 2019</a>
 */
public record GptConfig(int vocabSize, int context, int layers, int dModel, int heads,
    int mlpRatio, boolean tiedEmbeddings) {

  /** Validates the sizes. */
  public GptConfig {
    check("vocabSize", vocabSize);
    check("context", context);
    check("layers", layers);
    check("dModel", dModel);
    check("heads", heads);
    check("mlpRatio", mlpRatio);
    if (dModel % heads != 0) {
      throw new IllegalArgumentException(
          "dModel (" + dModel + ") must be divisible by heads, got heads " + heads);
    }
  }

  private static void check(String name, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, got " + v);
    }
  }

  /**
   * The tiny default: 4 layers, d = 128, 4 heads, MLP ×4, tied embeddings, context 128 — trains
   * visibly on 2 CPU cores in minutes.
   */
  public static GptConfig tiny(int vocabSize) {
    return new GptConfig(vocabSize, 128, 4, 128, 4, 4, true);
  }

  /** This config with another context length. */
  public GptConfig withContext(int tokens) {
    return new GptConfig(vocabSize, tokens, layers, dModel, heads, mlpRatio, tiedEmbeddings);
  }

  /** Number of trainable scalars. */
  public long parameterCount() {
    long d = dModel;
    long perLayer = 4 * d + (3 * d * d + 3 * d) + (d * d + d) + (mlpRatio * d * d + mlpRatio * d)
        + (mlpRatio * d * d + d);
    long head = tiedEmbeddings ? 0 : (long) vocabSize * d;
    return (long) vocabSize * d + (long) context * d + layers * perLayer + 2 * d + head;
  }
}
