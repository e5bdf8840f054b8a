package dev.datamix.corpus.cluster;

import dev.datamix.random.Seeds;

/**
 * Cheap features of a block for clustering: counts of its adjacent token pairs (bigrams), hashed
 * into {@code dimensions} buckets and scaled to unit length, so that a dot product is the cosine
 * similarity of two blocks' bigram profiles. The hash is keyed by a fixed constant, so features
 * are the same on every machine and in every run. Not thread-safe (one scratch buffer).
 */
public final class BlockFeatures {
  private static final long KEY = 0x5EEDB16A4ADL;
  private final int dimensions;
  private final float[] scratch;

  /**
   * @param dimensions hash buckets, {@code >= 2}
   */
  public BlockFeatures(int dimensions) {
    if (dimensions < 2) {
      throw new IllegalArgumentException("feature dimensions must be >= 2, got " + dimensions);
    }
    this.dimensions = dimensions;
    this.scratch = new float[dimensions];
  }

  /** Hash buckets. */
  public int dimensions() {
    return dimensions;
  }

  /**
   * The feature vector of {@code tokens[offset .. offset + length)} as sparse (bucket, value)
   * pairs written into {@code buckets} and {@code values}; returns how many pairs. Both arrays
   * need {@code length − 1} entries.
   */
  public int sparse(int[] tokens, int offset, int length, int[] buckets, float[] values) {
    int n = 0;
    for (int i = offset; i + 1 < offset + length; i++) {
      int b = bucket(tokens[i], tokens[i + 1]);
      if (scratch[b] == 0) {
        buckets[n++] = b;
      }
      scratch[b]++;
    }
    double norm = 0;
    for (int j = 0; j < n; j++) {
      norm += (double) scratch[buckets[j]] * scratch[buckets[j]];
    }
    float scale = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0;
    for (int j = 0; j < n; j++) {
      values[j] = scratch[buckets[j]] * scale;
      scratch[buckets[j]] = 0;
    }
    return n;
  }

  /** The dense feature vector of {@code tokens[offset .. offset + length)}. */
  public float[] dense(int[] tokens, int offset, int length) {
    int[] b = new int[Math.max(1, length)];
    float[] v = new float[Math.max(1, length)];
    int n = sparse(tokens, offset, length, b, v);
    float[] out = new float[dimensions];
    for (int j = 0; j < n; j++) {
      out[b[j]] += v[j];
    }
    return out;
  }

  private int bucket(int a, int b) {
    return (int) Long.remainderUnsigned(Seeds.hash(KEY, a, b), dimensions);
  }
}
