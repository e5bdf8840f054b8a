package dev.datamix.corpus.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.CorpusManifest;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.TokenDtype;
import dev.datamix.state.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** The shard files of a cluster corpus: one per (cluster, split, source domain), plus an end. */
final class ClusterShards {
  private final Path out;
  private final ClusterSettings settings;
  private final TokenDtype dtype;
  private final String split;
  private final String source;
  private final OutputStream[] streams;
  private final long[] blocks;
  private final int[] last;

  ClusterShards(Path out, ClusterSettings settings, CorpusManifest m, Split split, String source)
      throws IOException {
    this.out = out;
    this.settings = settings;
    this.dtype = m.dtype();
    this.split = split.id();
    this.source = source;
    this.streams = new OutputStream[settings.clusters()];
    this.blocks = new long[settings.clusters()];
    this.last = new int[settings.clusters()];
    for (int c = 0; c < streams.length; c++) {
      Files.createDirectories(out.resolve(settings.clusterName(c)));
      streams[c] = new BufferedOutputStream(Files.newOutputStream(out.resolve(file(c))), 1 << 16);
    }
  }

  private String file(int c) {
    return settings.clusterName(c) + "/" + split + "-" + source + ".bin";
  }

  /** Appends {@code tokens[0..length)} to cluster {@code c}; {@code tokens[length]} is kept. */
  void write(int c, int[] tokens, int length) throws IOException {
    for (int i = 0; i < length; i++) {
      writeToken(streams[c], dtype, tokens[i]);
    }
    last[c] = tokens[length];
    blocks[c]++;
  }

  /** Writes one token in the corpus's byte order (little-endian). */
  private static void writeToken(OutputStream s, TokenDtype dtype, int token)
      throws IOException {
    s.write(token & 0xFF);
    s.write((token >>> 8) & 0xFF);
    if (dtype == TokenDtype.UINT32) {
      s.write((token >>> 16) & 0xFF);
      s.write((token >>> 24) & 0xFF);
    }
  }

  /** Closes every file, deletes the empty ones and returns {@code {cluster: {file, blocks, last}}}. */
  ObjectNode close() throws IOException {
    ObjectNode o = Json.object();
    for (int c = 0; c < streams.length; c++) {
      streams[c].close();
      if (blocks[c] == 0) {
        Files.delete(out.resolve(file(c)));
      } else {
        o.putObject(settings.clusterName(c)).put("file", file(c)).put("blocks", blocks[c])
            .put("last", last[c]);
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
      String endFile = name + "/" + split.id() + "-end.bin";
      try (OutputStream s = Files.newOutputStream(out.resolve(endFile))) {
        writeToken(s, m.dtype(), end);
      }
      shards.add(new CorpusManifest.ShardEntry(endFile, 1));
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
      for (CorpusManifest.ShardEntry sh : s.shards()) {
        Path dst = out.resolve(sh.file());
        Files.createDirectories(dst.getParent());
        Files.copy(source.resolve(sh.file()), dst, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return d;
  }
}
