package dev.datamix.corpus.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.CorpusManifest;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.prepare.ShardWriter;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The shard files of a cluster corpus: one per (cluster, split, source domain), plus an end. */
final class ClusterShards {
  private final ClusterSettings settings;
  private final ShardWriter[] writers;
  private final long[] blocks;
  private final int[] last;

  ClusterShards(Path out, ClusterSettings settings, CorpusManifest m, Split split, String source)
      throws IOException {
    this.settings = settings;
    this.writers = new ShardWriter[settings.clusters()];
    this.blocks = new long[settings.clusters()];
    this.last = new int[settings.clusters()];
    for (int c = 0; c < writers.length; c++) {
      Files.createDirectories(out.resolve(settings.clusterName(c)));
      writers[c] = new ShardWriter(out, settings.clusterName(c), split.id() + "-" + source,
          m.dtype(), m.vocabSize(), Long.MAX_VALUE);
    }
  }

  /** Appends {@code tokens[0..length)} to cluster {@code c}; {@code tokens[length]} is kept. */
  void write(int c, int[] tokens, int length) throws IOException {
    writers[c].write(tokens, length);
    last[c] = tokens[length];
    blocks[c]++;
  }

  /**
   * Closes every writer (one that got no block wrote no file) and returns {@code {cluster: {file,
   * blocks, last}}}.
   */
  ObjectNode close() throws IOException {
    ObjectNode o = Json.object();
    for (int c = 0; c < writers.length; c++) {
      writers[c].close();
      if (blocks[c] > 0) {
        o.putObject(settings.clusterName(c)).put("file", writers[c].shards().get(0).file())
            .put("blocks", blocks[c]).put("last", last[c]);
      }
    }
    return o;
  }

  /**
   * Cluster {@code c}'s split from what every source domain wrote to it, plus its end token;
   * adds each source's blocks to {@code from} when given (as shares of the cluster's blocks).
   */
  static CorpusManifest.SplitEntry splitEntry(Path out, ClusterSettings settings,
      CorpusManifest m, Split split, int c, JsonNode done, Corpus corpus, ObjectNode from)
      throws IOException {
    String name = settings.clusterName(c);
    List<CorpusManifest.ShardEntry> shards = new ArrayList<>();
    long total = 0;
    double bytes = 0;
    int end = -1;
    for (String src : settings.domains()) {
      JsonNode e = done.get(src + "/" + split.id()).get(name);
      if (e == null) {
        continue;
      }
      long b = e.get("blocks").asLong();
      shards.add(new CorpusManifest.ShardEntry(e.get("file").asText(), b * m.blockLength()));
      total += b;
      int d = corpus.domainIndex(src);
      bytes += (double) m.domain(src).split(split).bytes() * b / corpus.blocks(d, split);
      end = e.get("last").asInt();
      if (from != null) {
        from.put(src, b);
      }
    }
    if (total > 0) {
      ShardWriter w = new ShardWriter(out, name, split.id() + "-end", m.dtype(), m.vocabSize(),
          1);
      try (w) {
        w.write(end);
      }
      shards.addAll(w.shards());
    }
    if (from != null && total > 0) {
      for (String src : settings.domains()) {
        if (from.has(src)) {
          from.put(src, from.get(src).asDouble() / total);
        }
      }
    }
    return new CorpusManifest.SplitEntry(shards, total, Math.round(bytes));
  }

  /** Copies a kept domain's shard files to the same paths in {@code out}. */
  static CorpusManifest.DomainEntry copyDomain(Path source, Path out,
      CorpusManifest.DomainEntry d) throws IOException {
    for (CorpusManifest.SplitEntry s : d.splits().values()) {
      ShardWriter.copy(source, out, s);
    }
    return d;
  }
}
