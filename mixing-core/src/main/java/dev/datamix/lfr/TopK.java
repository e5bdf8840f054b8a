package dev.datamix.lfr;

/**
 * Selection at a phase boundary: the blocks with the highest mean loss, by quickselect on the
 * visited blocks' values (expected O(n)), not a full sort.
 */
final class TopK {
  private TopK() {}

  /**
   * The {@code k}-th largest of {@code values[0..n)} (1-based); the array is reordered.
   */
  static float kthLargest(float[] values, int n, int k) {
    int target = n - k; // index in ascending order
    int lo = 0;
    int hi = n - 1;
    long seed = 0x9E3779B97F4A7C15L;
    while (lo < hi) {
      seed = seed * 6364136223846793005L + 1442695040888963407L;
      int p = lo + (int) Long.remainderUnsigned(seed >>> 1, hi - lo + 1);
      float pivot = values[p];
      // three-way partition: < pivot | == pivot | > pivot
      int lt = lo;
      int gt = hi;
      int i = lo;
      while (i <= gt) {
        if (values[i] < pivot) {
          swap(values, lt++, i++);
        } else if (values[i] > pivot) {
          swap(values, i, gt--);
        } else {
          i++;
        }
      }
      if (target < lt) {
        hi = lt - 1;
      } else if (target > gt) {
        lo = gt + 1;
      } else {
        return pivot;
      }
    }
    return values[lo];
  }

  private static void swap(float[] a, int i, int j) {
    float t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
