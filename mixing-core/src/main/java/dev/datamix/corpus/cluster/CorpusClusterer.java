package dev.datamix.corpus.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.CorpusManifest;
import dev.datamix.corpus.Split;
import dev.datamix.random.Seeds;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import dev.datamix.state.OutputDirectory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Splits one or more domains of a prepared corpus into fine-grained clusters and writes a new
 * prepared corpus whose domains are the clusters (plus the domains kept as they are), so that
 * every domain-level policy (DGA over cluster bases, DoReMi, ODM, ...) can mix data that came as
 * one big unlabelled domain. Blocks are clustered by spherical k-means ({@link KMeans}) over
 * hashed bigram features ({@link BlockFeatures}), fitted on a keyed sample of the training blocks;
 * every block of every split is then assigned to its nearest centroid.
 *
 * <p>Resumable in stages: {@code centroids.json} (the fit) is written once, and each (domain,
 * split) assignment is recorded in {@code cluster-progress.json} as it finishes, so an
 * interrupted run continues where it stopped; {@code manifest.json} is written last, so a
 * directory without it is never opened as a corpus. {@code clustering.json} holds the settings
 * (a resume with other settings is refused) and, at the end, each cluster's size and its share
 * from each source domain.
 *
 * <p>Format notes: a cluster's split is its blocks' {@code blockLength} tokens in source order,
 * then one final token, so block {@code i} reads the same inputs as in the source and the same
 * targets except its last one, which is the next block's first token (as at a document
 * boundary). A cluster's UTF-8 bytes are its source splits' bytes in proportion to the blocks it
 * took (exact for the byte tokenizer up to separators), so bits per byte stay comparable.
 */
public final class CorpusClusterer {
  /** The kind of output directory. */
  public static final OutputDirectory OUTPUT = new OutputDirectory("cluster corpus",
      List.of("clustering.json", "centroids.json", "cluster-progress.json", "manifest.json"),
      true);

  private final Path source;
  private final Path out;
  private final ClusterSettings settings;
  private final PrintStream progress;

  /**
   * @param source the prepared corpus to read
   * @param out the new corpus directory
   * @param settings what to cluster and how
   * @param progress where progress lines go, or null
   */
  public CorpusClusterer(Path source, Path out, ClusterSettings settings, PrintStream progress) {
    this.source = source;
    this.out = out;
    this.settings = settings;
    this.progress = progress;
  }

  /**
   * Runs every stage whose output is missing and returns {@code clustering.json}.
   *
   * @throws dev.datamix.state.OutputExistsException if {@code out} holds work {@code mode} does
   *     not allow touching
   * @throws IncompatibleStateException if resuming a clustering made with other settings
   * @throws IllegalArgumentException naming the setting if a domain is unknown or a cluster
   *     receives no training block
   */
  public JsonNode run(ExistingOutput mode) throws IOException {
    try (Corpus corpus = Corpus.open(source)) {
      settings.check(corpus);
      ObjectNode recorded = Json.object();
      recorded.put("source", source.toAbsolutePath().normalize().toString());
      recorded.set("sourceManifest", corpus.manifest().toJson());
      recorded.set("settings", settings.toJson());
      claim(mode, recorded);
      float[][] centroids = centroids(corpus);
      ObjectNode done = progressFile();
      for (String domain : settings.domains()) {
        for (Split split : Split.values()) {
          String key = domain + "/" + split.id();
          if (!done.has(key)) {
            done.set(key, assign(corpus, centroids, corpus.domainIndex(domain), split));
            AtomicFiles.writeString(out.resolve("cluster-progress.json"), Json.write(done));
          }
        }
      }
      return finish(corpus, recorded, done);
    }
  }

  private void claim(ExistingOutput mode, ObjectNode recorded) throws IOException {
    boolean found = OUTPUT.claim(out, mode);
    Path file = out.resolve("clustering.json");
    if (found && mode == ExistingOutput.RESUME && Files.exists(file)) {
      JsonNode before = Json.read(file);
      for (String key : List.of("source", "sourceManifest", "settings")) {
        IncompatibleStateException.check("cluster corpus " + out + " (clustering.json) " + key,
            recorded.get(key), before.get(key));
      }
    }
    Files.createDirectories(out);
    AtomicFiles.writeString(file, Json.write(recorded));
  }

  private ObjectNode progressFile() throws IOException {
    Path f = out.resolve("cluster-progress.json");
    return Files.exists(f) ? (ObjectNode) Json.read(f) : Json.object();
  }

  /** The fit on the keyed sample, or the one saved earlier. */
  private float[][] centroids(Corpus corpus) throws IOException {
    Path file = out.resolve("centroids.json");
    if (Files.exists(file)) {
      JsonNode n = Json.read(file).get("centroids");
      float[][] c = new float[n.size()][];
      for (int j = 0; j < c.length; j++) {
        c[j] = new float[n.get(j).size()];
        for (int f = 0; f < c[j].length; f++) {
          c[j][f] = (float) n.get(j).get(f).asDouble();
        }
      }
      return c;
    }
    long total = 0;
    for (String d : settings.domains()) {
      total += corpus.blocks(corpus.domainIndex(d), Split.TRAIN);
    }
    double keep = Math.min(1, (double) settings.sampleBlocks() / total);
    BlockFeatures features = new BlockFeatures(settings.dimensions());
    int[] buf = new int[corpus.blockLength() + 1];
    List<float[]> sample = new ArrayList<>();
    for (String d : settings.domains()) {
      int di = corpus.domainIndex(d);
      for (long b = 0; b < corpus.blocks(di, Split.TRAIN); b++) {
        if (Seeds.toUnitDouble(Seeds.hash(settings.seed(), 1, di, b)) < keep) {
          corpus.readBlock(di, Split.TRAIN, b, buf, 0);
          sample.add(features.dense(buf, 0, corpus.blockLength()));
        }
      }
    }
    print("k-means: %d clusters on %,d sampled blocks of %,d", settings.clusters(),
        sample.size(), total);
    float[][] c = KMeans.fit(sample.toArray(new float[0][]), settings.clusters(),
        settings.seed(), settings.maxIterations());
    ObjectNode o = Json.object();
    o.put("sampledBlocks", sample.size());
    ArrayNode a = o.putArray("centroids");
    for (float[] row : c) {
      ArrayNode r = a.addArray();
      for (float x : row) {
        r.add(x);
      }
    }
    AtomicFiles.writeString(file, Json.write(o));
    return c;
  }

  /**
   * Writes every block of one (domain, split) to its cluster's shard and returns what was
   * written: per cluster the shard, its blocks and its last block's final token.
   */
  private ObjectNode assign(Corpus corpus, float[][] centroids, int d, Split split)
      throws IOException {
    String src = corpus.domainNames().get(d);
    int length = corpus.blockLength();
    ClusterShards shards = new ClusterShards(out, settings, corpus.manifest(), split, src);
    BlockFeatures features = new BlockFeatures(settings.dimensions());
    int[] buf = new int[length + 1];
    int[] buckets = new int[length];
    float[] values = new float[length];
    long n = corpus.blocks(d, split);
    for (long b = 0; b < n; b++) {
      corpus.readBlock(d, split, b, buf, 0);
      int m = features.sparse(buf, 0, length, buckets, values);
      shards.write(KMeans.nearest(centroids, buckets, values, m), buf, length);
    }
    ObjectNode result = shards.close();
    print("assigned %s/%s: %,d blocks", src, split.id(), n);
    return result;
  }

  private JsonNode finish(Corpus corpus, ObjectNode recorded, ObjectNode done)
      throws IOException {
    CorpusManifest m = corpus.manifest();
    List<CorpusManifest.DomainEntry> domains = new ArrayList<>();
    ArrayNode report = recorded.putArray("clusters");
    for (int c = 0; c < settings.clusters(); c++) {
      Map<Split, CorpusManifest.SplitEntry> splits = new LinkedHashMap<>();
      ObjectNode row = report.addObject().put("name", settings.clusterName(c));
      ObjectNode from = Json.object();
      for (Split split : Split.values()) {
        splits.put(split, ClusterShards.splitEntry(out, settings, m, split, c, done,
            corpus, split == Split.TRAIN ? from : null));
      }
      long trainBlocks = m.blocks(splits.get(Split.TRAIN).tokens());
      if (trainBlocks == 0) {
        throw new IllegalArgumentException("cluster " + settings.clusterName(c) + " received "
            + "no training block: lower clusters (" + settings.clusters() + ")");
      }
      for (Split split : Split.values()) {
        row.put(split.id() + "Blocks", m.blocks(splits.get(split).tokens()));
      }
      row.set("trainShareBySource", from);
      domains.add(new CorpusManifest.DomainEntry(settings.clusterName(c), splits));
    }
    for (String keep : settings.keep()) {
      domains.add(ClusterShards.copyDomain(source, out, m.domain(keep)));
    }
    CorpusManifest manifest = new CorpusManifest(m.dtype(), m.vocabSize(), m.blockLength(),
        m.eotToken(), m.tokenizer(), domains);
    AtomicFiles.writeString(out.resolve("clustering.json"), Json.write(recorded));
    AtomicFiles.writeString(out.resolve(CorpusManifest.FILE_NAME), Json.write(manifest.toJson()));
    print("wrote %s: %d clusters%s", out, settings.clusters(), settings.keep().isEmpty() ? ""
        : " and " + settings.keep());
    return recorded;
  }

  private void print(String format, Object... args) {
    if (progress != null) {
      progress.println(String.format(Locale.ROOT, format, args));
    }
  }
}
