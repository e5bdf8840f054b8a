package dev.datamix.corpus.megatron;

import dev.datamix.corpus.CorpusException;
import dev.datamix.corpus.CorpusManifest;
import dev.datamix.corpus.MegatronIndex;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.TokenShard;
import dev.datamix.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Attaches Megatron-LM indexed datasets to a corpus as domains read in place: the manifest names
 * each dataset's prefix and a document range per split, and {@link dev.datamix.corpus.Corpus}
 * memory-maps that range of the {@code .bin}. Nothing is copied.
 *
 * <p><b>Splits.</b> A dataset given for one split goes into it whole. A dataset given without a
 * split is cut into contiguous document ranges by weights, exactly as Megatron's {@code --split
 * 969,30,1} cuts its documents ({@code _get_split_indices} in {@code
 * blended_megatron_dataset_builder.py}: cumulative rounded shares, round half to even, the last
 * boundary moved to the document count).
 *
 * <p><b>Document boundaries.</b> A split is its documents' tokens back to back, as in Megatron's
 * {@code GPTDataset}: blocks run across documents, and the only separator is the end-of-document
 * token that {@code preprocess_data.py --append-eod} wrote; datamix inserts none.
 *
 * <p><b>Bytes.</b> Megatron files record no text size. With {@code countBytes}, attaching decodes
 * every document with the corpus tokenizer and records its UTF-8 bytes (exact for byte-level
 * tokenizers such as GPT-2's and Llama 3's, whose tokens stand for fixed bytes; for others as
 * exact as their decoder), so losses convert to bits per byte. Without it the split records 0
 * bytes, and reports give nats per token only, saying so.
 *
 * <p>Attaching also scans every index entry ({@link MegatronIndex#verify()}) and every token
 * against the vocabulary, so a corpus that opens later is known whole.
 */
public final class MegatronDomains {
  private static final int READ_TOKENS = 1 << 20;

  private MegatronDomains() {}

  /**
   * One dataset of a domain.
   *
   * @param prefix the dataset's path without {@code .bin}/{@code .idx}
   * @param split the split it goes into whole, or null to cut it by the split weights
   */
  public record Source(Path prefix, Split split) {}

  /**
   * Megatron's document boundaries of the splits train, val, test for {@code documents}
   * documents and {@code weights} (any non-negative numbers, normalised): {@code [0, b1, b2, N]}.
   *
   * @throws IllegalArgumentException naming the weights if they are negative or all zero
   */
  public static long[] splitBoundaries(long documents, double[] weights) {
    double sum = 0;
    for (double w : weights) {
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("split weights must be finite and >= 0, got "
            + java.util.Arrays.toString(weights));
      }
      sum += w;
    }
    if (weights.length != 3 || sum <= 0) {
      throw new IllegalArgumentException("split weights must be three numbers (train, val, test) "
          + "with a positive sum, got " + java.util.Arrays.toString(weights));
    }
    long[] b = new long[weights.length + 1];
    for (int i = 0; i < weights.length; i++) {
      b[i + 1] = b[i] + (long) Math.rint(weights[i] / sum * documents);
    }
    long shift = b[weights.length] - documents;
    for (int i = 1; i <= weights.length; i++) {
      b[i] -= shift;
    }
    return b;
  }

  /**
   * The manifest entry of domain {@code name} fed by {@code sources}.
   *
   * @param splitWeights train, val and test weights for sources without a split
   * @param tokenizer the corpus tokenizer: its vocabulary bounds every token, and with {@code
   *     countBytes} it decodes documents to count their bytes
   * @param progress where to print one line per dataset, or null
   * @throws CorpusException naming the dataset for an invalid index, a token outside the
   *     vocabulary, or a dataset whose training range holds no document
   */
  public static CorpusManifest.DomainEntry attach(String name, List<Source> sources,
      double[] splitWeights, Tokenizer tokenizer, boolean countBytes, PrintStream progress)
      throws IOException {
    Map<Split, List<CorpusManifest.ShardEntry>> shards = new EnumMap<>(Split.class);
    Map<Split, long[]> counts = new EnumMap<>(Split.class); // documents, bytes
    for (Split s : Split.values()) {
      shards.put(s, new ArrayList<>());
      counts.put(s, new long[2]);
    }
    for (Source src : sources) {
      Path prefix = src.prefix().toAbsolutePath().normalize();
      MegatronIndex index = MegatronIndex.open(prefix);
      index.verify();
      long n = index.documents();
      long[] bounds = src.split() == null ? splitBoundaries(n, splitWeights) : null;
      for (Split s : Split.values()) {
        long first = bounds != null ? bounds[s.ordinal()] : s == src.split() ? 0 : -1;
        long end = bounds != null ? bounds[s.ordinal() + 1] : s == src.split() ? n : -1;
        if (first < 0 || first == end) {
          continue;
        }
        MegatronIndex.TokenRange range = index.documentTokens(first, end);
        long bytes = scan(index, range, first, end, tokenizer, countBytes);
        shards.get(s).add(new CorpusManifest.ShardEntry(prefix.toString(), range.tokens(),
            new CorpusManifest.MegatronSlice(first, end)));
        counts.get(s)[0] += end - first;
        counts.get(s)[1] += bytes;
      }
      if (progress != null) {
        progress.printf("attached %s: %,d documents, %,d tokens (%s)%n", prefix, n,
            index.tokens(), index.dtype().id());
      }
    }
    Map<Split, CorpusManifest.SplitEntry> splits = new EnumMap<>(Split.class);
    for (Split s : Split.values()) {
      splits.put(s, new CorpusManifest.SplitEntry(shards.get(s), counts.get(s)[0],
          counts.get(s)[1]));
    }
    return new CorpusManifest.DomainEntry(name, splits);
  }

  /** Checks every token against the vocabulary; returns the text bytes, or 0 if not counted. */
  private static long scan(MegatronIndex index, MegatronIndex.TokenRange range, long first,
      long end, Tokenizer tokenizer, boolean countBytes) throws IOException {
    try (TokenShard shard = TokenShard.openRange(index.bin(), index.dtype(), range.byteOffset(),
        range.tokens())) {
      shard.checkVocabulary(0, range.tokens(), tokenizer.vocabSize());
      if (!countBytes) {
        return 0;
      }
      long base = range.byteOffset() / index.dtype().bytes();
      long[] bytes = {0};
      int[][] buffer = {new int[READ_TOKENS]};
      index.forEachDocument(first, end, (doc, firstToken, tokens) -> {
        long at = firstToken - base;
        for (long done = 0; done < tokens; ) {
          int n = (int) Math.min(tokens - done, Integer.MAX_VALUE - 8);
          if (n > buffer[0].length) {
            buffer[0] = new int[n];
          }
          shard.read(at + done, n, buffer[0], 0);
          bytes[0] += tokenizer.textBytes(buffer[0], 0, n);
          done += n;
        }
      });
      return bytes[0];
    }
  }
}
