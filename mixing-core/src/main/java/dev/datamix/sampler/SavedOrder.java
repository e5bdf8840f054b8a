package dev.datamix.sampler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.StateReader;
import java.util.Arrays;
import java.util.List;

/**
 * The counters of one domain's {@link DomainOrders} as a sampler snapshot holds them, read and
 * checked before a restore changes anything.
 *
 * @param blocks the domain's blocks when saved, or -1 in a snapshot older than the field
 * @param epoch epochs started
 * @param wraps complete passes
 * @param cursor position in the current epoch
 * @param generation the generation of the selection the epoch permutes
 * @param epochSize positions in the current epoch
 * @param served blocks served
 * @param segments boundaries of an epoch extended by appended blocks, or null
 */
record SavedOrder(long blocks, long epoch, long wraps, long cursor, long generation,
    long epochSize, long served, long[] segments) {

  /**
   * The counters of the domains {@code savedNames} (in the snapshot's order).
   *
   * @throws IncompatibleStateException naming the domain on a malformed or inconsistent entry
   */
  static SavedOrder[] read(StateReader r, List<String> savedNames) {
    int k = savedNames.size();
    long[] e = r.getLongs("epoch", k);
    long[] w = r.getLongs("wraps", k);
    long[] c = r.getLongs("cursor", k);
    long[] g = r.getLongs("generation", k);
    long[] size = r.getLongs("epochSize", k);
    long[] s = r.getLongs("served", k);
    long[] b = r.node().has("blocks") ? r.getLongs("blocks", k) : null;
    JsonNode seg = r.node().path("segments");
    SavedOrder[] out = new SavedOrder[k];
    for (int d = 0; d < k; d++) {
      long[] segs = null;
      if (seg.has(savedNames.get(d))) {
        ArrayNode a = (ArrayNode) seg.get(savedNames.get(d));
        segs = new long[a.size()];
        for (int i = 0; i < segs.length; i++) {
          segs[i] = a.get(i).asLong();
        }
        if (segs.length < 3 || segs[0] != 0 || segs[segs.length - 1] != size[d]) {
          throw new IncompatibleStateException("state of domain '" + savedNames.get(d)
              + "': segments " + Arrays.toString(segs) + " do not span its epoch of " + size[d]);
        }
      }
      if (c[d] < 0 || c[d] > size[d] || size[d] < 1 || s[d] < 0) {
        throw new IncompatibleStateException("state of domain '" + savedNames.get(d)
            + "' is inconsistent: cursor " + c[d] + ", epochSize " + size[d] + ", served "
            + s[d]);
      }
      out[d] = new SavedOrder(b != null ? b[d] : -1, e[d], w[d], c[d], g[d], size[d], s[d],
          segs);
    }
    return out;
  }
}
