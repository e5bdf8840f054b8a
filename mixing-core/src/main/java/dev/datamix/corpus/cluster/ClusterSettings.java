package dev.datamix.corpus.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.state.Json;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What {@link CorpusClusterer} does.
 *
 * @param domains the source domains whose blocks are pooled and clustered
 * @param keep other source domains copied unchanged (a target task, say)
 * @param clusters {@code k}, {@code >= 2}
 * @param dimensions hashed bigram buckets per block, {@code >= 2}
 * @param sampleBlocks training blocks the centroids are fitted on (a keyed sample), {@code >= k}
 * @param seed keys the sample and the k-means++ seeding
 * @param maxIterations Lloyd iterations at most, {@code >= 1}
 * @param prefix cluster domain names: {@code prefix + two-digit index}
 */
public record ClusterSettings(List<String> domains, List<String> keep, int clusters,
    int dimensions, int sampleBlocks, long seed, int maxIterations, String prefix) {
  /** Validates, naming the parameter. */
  public ClusterSettings {
    domains = List.copyOf(domains);
    keep = List.copyOf(keep);
    if (domains.isEmpty()) {
      throw new IllegalArgumentException("domains to cluster must not be empty");
    }
    if (clusters < 2) {
      throw new IllegalArgumentException("clusters must be >= 2, got " + clusters);
    }
    if (dimensions < 2) {
      throw new IllegalArgumentException("dimensions must be >= 2, got " + dimensions);
    }
    if (sampleBlocks < clusters) {
      throw new IllegalArgumentException("sampleBlocks must be >= clusters (" + clusters
          + "), got " + sampleBlocks);
    }
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
    }
    Set<String> seen = new HashSet<>();
    for (String d : domains) {
      if (!seen.add(d)) {
        throw new IllegalArgumentException("domain '" + d + "' is listed twice");
      }
    }
    for (String d : keep) {
      if (!seen.add(d)) {
        throw new IllegalArgumentException("domain '" + d + "' is both clustered and kept");
      }
    }
    for (int c = 0; c < clusters; c++) {
      if (seen.contains(prefix + String.format(Locale.ROOT, "%02d", c))) {
        throw new IllegalArgumentException("prefix '" + prefix + "' makes cluster names that "
            + "clash with a kept domain");
      }
    }
  }

  /** The defaults for {@code domains}: 32 clusters, 512 buckets, 20,000 sampled blocks. */
  public static ClusterSettings of(List<String> domains, List<String> keep) {
    return new ClusterSettings(domains, keep, 32, 512, 20_000, 1, 50, "cluster");
  }

  /** The name of cluster {@code c}. */
  public String clusterName(int c) {
    return prefix + String.format(Locale.ROOT, "%02d", c);
  }

  /** Checks every named domain exists in {@code corpus}, naming the one that does not. */
  void check(Corpus corpus) {
    for (String d : domains) {
      corpus.domainIndex(d);
    }
    for (String d : keep) {
      corpus.domainIndex(d);
    }
  }

  /** As recorded in {@code clustering.json}. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    domains.forEach(o.putArray("domains")::add);
    keep.forEach(o.putArray("keep")::add);
    o.put("clusters", clusters).put("dimensions", dimensions).put("sampleBlocks", sampleBlocks)
        .put("seed", seed).put("maxIterations", maxIterations).put("prefix", prefix)
        .put("features", "hashed token bigrams, unit length");
    return o;
  }
}
