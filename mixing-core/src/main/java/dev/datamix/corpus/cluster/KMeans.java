package dev.datamix.corpus.cluster;

import dev.datamix.random.Seeds;

/**
 * Spherical k-means on unit feature vectors (Dhillon and Modha, 2001): k-means++ seeding (Arthur
 * and Vassilvitskii, 2007) with every random choice keyed by {@code (seed, round)}, then Lloyd
 * iterations that assign each point to the centroid of highest dot product and renormalise each
 * centroid to unit length, until no assignment changes or {@code maxIterations}. A cluster that
 * empties is re-seeded at the point farthest from its centroid, so every cluster keeps a member.
 * The same points and seed give the same centroids.
 */
public final class KMeans {
  private KMeans() {}

  /**
   * Fits {@code k} centroids to {@code points} (each of the same dimension).
   *
   * @throws IllegalArgumentException naming the parameter if {@code k} is not in {@code [1,
   *     points]} or the points are ragged
   */
  public static float[][] fit(float[][] points, int k, long seed, int maxIterations) {
    if (k < 1 || k > points.length) {
      throw new IllegalArgumentException("clusters must be in [1, " + points.length
          + " sampled blocks], got " + k);
    }
    int dim = points[0].length;
    for (float[] p : points) {
      if (p.length != dim) {
        throw new IllegalArgumentException("every point needs " + dim + " features, got "
            + p.length);
      }
    }
    float[][] c = seed(points, k, seed);
    int[] assign = new int[points.length];
    java.util.Arrays.fill(assign, -1);
    for (int it = 0; it < maxIterations; it++) {
      boolean changed = false;
      for (int i = 0; i < points.length; i++) {
        int best = nearest(c, points[i]);
        if (best != assign[i]) {
          assign[i] = best;
          changed = true;
        }
      }
      if (!changed) {
        break;
      }
      update(points, assign, c);
    }
    return c;
  }

  /** The centroid with the highest dot product with {@code x} (lowest index on ties). */
  public static int nearest(float[][] centroids, float[] x) {
    int best = 0;
    double bestDot = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < centroids.length; j++) {
      double d = dot(centroids[j], x);
      if (d > bestDot) {
        bestDot = d;
        best = j;
      }
    }
    return best;
  }

  /** As {@link #nearest(float[][], float[])} for a sparse point. */
  public static int nearest(float[][] centroids, int[] buckets, float[] values, int n) {
    int best = 0;
    double bestDot = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < centroids.length; j++) {
      double d = 0;
      for (int t = 0; t < n; t++) {
        d += centroids[j][buckets[t]] * values[t];
      }
      if (d > bestDot) {
        bestDot = d;
        best = j;
      }
    }
    return best;
  }

  private static float[][] seed(float[][] points, int k, long seed) {
    int n = points.length;
    float[][] c = new float[k][];
    c[0] = points[(int) Long.remainderUnsigned(Seeds.hash(seed, 0), n)].clone();
    double[] dist = new double[n];
    java.util.Arrays.fill(dist, Double.POSITIVE_INFINITY);
    for (int j = 1; j < k; j++) {
      double total = 0;
      for (int i = 0; i < n; i++) {
        dist[i] = Math.min(dist[i], distance(points[i], c[j - 1]));
        total += dist[i];
      }
      int pick = n - 1;
      if (total > 0) {
        double u = Seeds.toUnitDouble(Seeds.hash(seed, j)) * total;
        for (int i = 0; i < n; i++) {
          u -= dist[i];
          if (u < 0) {
            pick = i;
            break;
          }
        }
      } else {
        pick = j % n; // every point coincides with a centroid: any choice is as good
      }
      c[j] = points[pick].clone();
    }
    return c;
  }

  private static void update(float[][] points, int[] assign, float[][] c) {
    int dim = c[0].length;
    double[][] sum = new double[c.length][dim];
    int[] count = new int[c.length];
    for (int i = 0; i < points.length; i++) {
      count[assign[i]]++;
      for (int f = 0; f < dim; f++) {
        sum[assign[i]][f] += points[i][f];
      }
    }
    for (int j = 0; j < c.length; j++) {
      if (count[j] == 0) {
        c[j] = farthest(points, assign, c).clone();
        continue;
      }
      double norm = 0;
      for (int f = 0; f < dim; f++) {
        norm += sum[j][f] * sum[j][f];
      }
      double scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (int f = 0; f < dim; f++) {
        c[j][f] = (float) (sum[j][f] * scale);
      }
    }
  }

  private static float[] farthest(float[][] points, int[] assign, float[][] c) {
    int worst = 0;
    double worstDot = Double.POSITIVE_INFINITY;
    for (int i = 0; i < points.length; i++) {
      double d = dot(c[assign[i]], points[i]);
      if (d < worstDot) {
        worstDot = d;
        worst = i;
      }
    }
    return points[worst];
  }

  private static double distance(float[] a, float[] b) {
    double d = 0;
    for (int f = 0; f < a.length; f++) {
      double x = a[f] - b[f];
      d += x * x;
    }
    return d;
  }

  private static double dot(float[] a, float[] b) {
    double d = 0;
    for (int f = 0; f < a.length; f++) {
      d += a[f] * b[f];
    }
    return d;
  }
}
