package dev.datamix.util;

/** Searches in sorted {@code long[]} tables of starts and offsets. */
public final class SortedLongs {
  private SortedLongs() {}

  /**
   * The largest index {@code i < length} with {@code sorted[i] <= key}: the segment (shard,
   * domain, schedule segment) that {@code key} falls in when {@code sorted} holds segment starts.
   * Among equal starts (empty segments) the last is returned. Requires {@code sorted[0] <= key}.
   */
  public static int floorIndex(long[] sorted, int length, long key) {
    int lo = 0;
    int hi = length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (sorted[mid] <= key) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
}
