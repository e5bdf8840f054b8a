package dev.datamix.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.CorpusManifest;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.TokenDtype;
import dev.datamix.corpus.prepare.CorpusPreparer;
import dev.datamix.corpus.prepare.FileSources;
import dev.datamix.corpus.prepare.PrepareReport;
import dev.datamix.corpus.prepare.ShardWriter;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.Json;
import dev.datamix.tokenizer.Tokenizer;
import dev.datamix.tokenizer.Tokenizers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Corpus preparation as a Spark job, for corpora that do not fit one machine's time. Per domain:
 * Spark's own readers load the sources (text files whole, one row per file; JSONL and Parquet
 * one row per document), the rows are sorted by (source file, position), every partition
 * tokenises its documents with the corpus tokenizer (reloaded on each executor from the corpus's
 * copy of its file) and writes its own shard set, and the driver writes the manifest. The result
 * is a corpus any datamix reader opens.
 *
 * <p><b>The same tokens as {@link CorpusPreparer}.</b> Sources are listed in path order as
 * {@code prepare} lists them; the sort puts the documents back in file order, the partitions of
 * the sort are contiguous ranges of it, and their shards are concatenated in partition order, so
 * each split's token stream is, token for token, the one {@code prepare} writes from the same
 * input (tested). A document's split is the same pure function of its text and the seed (or of
 * its file's name). One difference: Spark's readers decode UTF-8 themselves, replacing malformed
 * sequences without counting them, so the manifest's {@code invalidUtf8} is 0.
 *
 * <p>The output must be on a filesystem every executor and the driver see at the same path (a
 * local disk in local mode, a shared mount on a cluster). It is written into a temporary sibling
 * and renamed when complete; an existing corpus is replaced only under {@link
 * ExistingOutput#OVERWRITE}.
 */
public final class SparkPrepare {
  private final SparkSession spark;
  private final Path output;
  private final Tokenizer tokenizer;
  private final int blockLength;
  private final Map<String, List<Path>> domains;
  private final String textField;
  private final String separator;
  private final double validationFraction;
  private final double testFraction;
  private final long seed;
  private final int partitions;

  /**
   * @param domains each domain's sources: files or directories of text ({@code .txt},
   *     {@code .txt.gz}), JSONL ({@code .jsonl}, {@code .ndjson}, gzipped or not) or Parquet
   * @param partitions how many partitions (shard sets) each domain is cut into
   */
  public SparkPrepare(SparkSession spark, Path output, Tokenizer tokenizer, int blockLength,
      Map<String, List<Path>> domains, String textField, String separator,
      double validationFraction, double testFraction, long seed, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    this.spark = spark;
    this.output = output.toAbsolutePath().normalize();
    this.tokenizer = tokenizer;
    this.blockLength = blockLength;
    this.domains = new LinkedHashMap<>(domains);
    this.textField = textField;
    this.separator = separator;
    this.validationFraction = validationFraction;
    this.testFraction = testFraction;
    this.seed = seed;
    this.partitions = partitions;
  }

  /** Runs the job; returns what was written. */
  public PrepareReport run(ExistingOutput existing) throws IOException {
    long start = System.nanoTime();
    if (Files.exists(output) && !(Files.isDirectory(output) && isEmpty(output))) {
      if (existing != ExistingOutput.OVERWRITE
          || CorpusPreparer.OUTPUT.markersIn(output).isEmpty()) {
        CorpusPreparer.OUTPUT.claim(output, existing); // throws, naming what is there
      }
    }
    Files.createDirectories(output.getParent());
    Path temp = Files.createTempDirectory(output.getParent(), output.getFileName() + ".spark-");
    try {
      if (tokenizer.file().isPresent()) {
        Files.copy(tokenizer.file().get(), temp.resolve(tokenizer.file().get().getFileName()));
      }
      TokenDtype dtype = TokenDtype.forVocab(tokenizer.vocabSize());
      List<CorpusManifest.DomainEntry> entries = new ArrayList<>();
      for (Map.Entry<String, List<Path>> d : domains.entrySet()) {
        Files.createDirectories(temp.resolve(d.getKey()));
        entries.add(domain(d.getKey(), d.getValue(), temp, dtype));
      }
      CorpusManifest manifest = new CorpusManifest(dtype, tokenizer.vocabSize(), blockLength,
          tokenizer.eotToken(), tokenizer.spec(), entries);
      for (CorpusManifest.DomainEntry e : entries) {
        if (manifest.blocks(e.split(Split.TRAIN).tokens()) == 0) {
          throw new IllegalArgumentException("domain '" + e.name() + "' has "
              + e.split(Split.TRAIN).tokens() + " training tokens, not one block of "
              + "blockLength " + blockLength);
        }
      }
      AtomicFiles.writeString(temp.resolve(CorpusManifest.FILE_NAME),
          Json.write(manifest.toJson()));
      if (Files.exists(output)) {
        Path old = output.resolveSibling(output.getFileName() + ".old-" + System.nanoTime());
        AtomicFiles.move(output, old);
        AtomicFiles.move(temp, output);
        AtomicFiles.deleteRecursively(old);
      } else {
        AtomicFiles.move(temp, output);
      }
      return new PrepareReport(output, manifest, (System.nanoTime() - start) / 1e9);
    } finally {
      if (Files.exists(temp)) {
        AtomicFiles.deleteRecursively(temp);
      }
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  /** One domain: the sorted documents, one task per partition, the shards in partition order. */
  private CorpusManifest.DomainEntry domain(String name, List<Path> sources, Path temp,
      TokenDtype dtype) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path p : sources) {
      if (!Files.exists(p)) {
        throw new IllegalArgumentException("source path " + p + " does not exist");
      }
      if (Files.isDirectory(p)) {
        try (var walk = Files.walk(p)) {
          walk.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString()
              .startsWith(".")).sorted().forEach(files::add);
        }
      } else {
        files.add(p);
      }
    }
    java.util.HashMap<String, Integer> order = new java.util.HashMap<>();
    List<String> text = new ArrayList<>();
    List<String> json = new ArrayList<>();
    List<String> parquet = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i).toAbsolutePath().normalize();
      order.put(f.toUri().getPath(), i);
      String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
      String bare = n.endsWith(".gz") ? n.substring(0, n.length() - 3) : n;
      (bare.endsWith(".parquet") ? parquet : bare.endsWith(".jsonl") || bare.endsWith(".ndjson")
          ? json : text).add(f.toString());
    }
    Dataset<Row> rows = null;
    // whole files stay in one partition: positions follow the file's own order
    spark.conf().set("spark.sql.files.maxPartitionBytes", String.valueOf(Long.MAX_VALUE / 4));
    if (!text.isEmpty()) {
      rows = union(rows, spark.read().option("wholetext", "true").text(text.toArray(
          String[]::new)).select(functions.col("value").as("text"), functions.lit(true)
          .as("whole")));
    }
    if (!json.isEmpty()) {
      rows = union(rows, spark.read().json(json.toArray(String[]::new)).select(
          functions.col(quote(textField)).cast("string").as("text"), functions.lit(false)
          .as("whole")));
    }
    if (!parquet.isEmpty()) {
      rows = union(rows, spark.read().parquet(parquet.toArray(String[]::new)).select(
          functions.col(quote(textField)).cast("string").as("text"), functions.lit(false)
          .as("whole")));
    }
    // the files' path order, as prepare walks them (not the order of their URIs as strings)
    org.apache.spark.sql.expressions.UserDefinedFunction indexOf = functions.udf(
        (org.apache.spark.sql.api.java.UDF1<String, Integer>) f -> order.get(
            URI.create(f).getPath()), org.apache.spark.sql.types.DataTypes.IntegerType);
    Dataset<Row> sorted = rows.withColumn("file", functions.input_file_name())
        .withColumn("pos", functions.monotonically_increasing_id())
        .withColumn("index", indexOf.apply(functions.col("file")))
        .repartitionByRange(partitions, functions.col("index"), functions.col("pos"))
        .sortWithinPartitions("index", "pos");
    Task task = new Task(name, temp.toString(), tokenizer.spec().toString(), dtype.id(),
        tokenizer.vocabSize(), separator, seed, validationFraction, testFraction);
    List<String> results = sorted.mapPartitions(task, Encoders.STRING()).collectAsList();
    return merge(name, results, order);
  }

  private static String quote(String column) {
    return "`" + column.replace("`", "``") + "`";
  }

  private static Dataset<Row> union(Dataset<Row> a, Dataset<Row> b) {
    return a == null ? b : a.unionByName(b);
  }

  /**
   * The domain's entry from the partitions' results, the shards in partition order; the
   * partitions must cover the files in path order.
   */
  private static CorpusManifest.DomainEntry merge(String name, List<String> results,
      Map<String, Integer> order) {
    // the partitions' file lists must run in path order: a check of the whole scheme
    List<JsonNode> parts = new ArrayList<>();
    for (String r : results) {
      parts.add(Json.parse(r));
    }
    parts.sort(java.util.Comparator.comparingInt(p -> p.get("partition").asInt()));
    Map<Split, List<CorpusManifest.ShardEntry>> shards = new EnumMap<>(Split.class);
    Map<Split, long[]> counts = new EnumMap<>(Split.class);
    for (Split s : Split.values()) {
      shards.put(s, new ArrayList<>());
      counts.put(s, new long[2]);
    }
    int lastFile = -1;
    for (JsonNode p : parts) {
      for (JsonNode f : p.get("files")) {
        Integer index = order.get(URI.create(f.asText()).getPath());
        if (index == null || index < lastFile) {
          throw new IllegalStateException("Spark's partitions of domain '" + name + "' are not "
              + "in file order at " + f.asText());
        }
        lastFile = index;
      }
      for (Split s : Split.values()) {
        JsonNode sp = p.get("splits").get(s.id());
        for (JsonNode sh : sp.get("shards")) {
          shards.get(s).add(new CorpusManifest.ShardEntry(sh.get("file").asText(),
              sh.get("tokens").asLong()));
        }
        counts.get(s)[0] += sp.get("documents").asLong();
        counts.get(s)[1] += sp.get("bytes").asLong();
      }
    }
    Map<Split, CorpusManifest.SplitEntry> splits = new EnumMap<>(Split.class);
    for (Split s : Split.values()) {
      splits.put(s, new CorpusManifest.SplitEntry(shards.get(s), counts.get(s)[0],
          counts.get(s)[1]));
    }
    return new CorpusManifest.DomainEntry(name, splits);
  }

  /** One partition's work, on an executor: tokenise its documents, write its shards. */
  static final class Task implements MapPartitionsFunction<Row, String>, Serializable {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();
    private final String domain;
    private final String directory;
    private final String tokenizerSpec;
    private final String dtype;
    private final int vocabSize;
    private final String separator;
    private final long seed;
    private final double validationFraction;
    private final double testFraction;

    Task(String domain, String directory, String tokenizerSpec, String dtype, int vocabSize,
        String separator, long seed, double validationFraction, double testFraction) {
      this.domain = domain;
      this.directory = directory;
      this.tokenizerSpec = tokenizerSpec;
      this.dtype = dtype;
      this.vocabSize = vocabSize;
      this.separator = separator;
      this.seed = seed;
      this.validationFraction = validationFraction;
      this.testFraction = testFraction;
    }

    @Override
    public Iterator<String> call(Iterator<Row> rows) throws IOException {
      int partition = org.apache.spark.TaskContext.getPartitionId();
      Tokenizer t = TOKENIZERS.computeIfAbsent(tokenizerSpec + directory, k -> {
        try {
          return Tokenizers.fromSpec(Json.parse(tokenizerSpec), Path.of(directory));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      Path dir = Path.of(directory);
      Map<Split, ShardWriter> writers = new EnumMap<>(Split.class);
      Map<Split, long[]> counts = new EnumMap<>(Split.class);
      for (Split s : Split.values()) {
        writers.put(s, new ShardWriter(dir, domain, String.format(Locale.ROOT, "%s-p%05d",
            s.id(), partition), TokenDtype.fromId(dtype), vocabSize, 1L << 28));
        counts.put(s, new long[2]);
      }
      ArrayNode files = Json.array();
      String lastFile = null;
      try {
        while (rows.hasNext()) {
          Row r = rows.next();
          String file = r.getString(r.fieldIndex("file"));
          if (!file.equals(lastFile)) {
            files.add(file);
            lastFile = file;
          }
          String text = r.getString(r.fieldIndex("text"));
          if (text == null) {
            continue;
          }
          java.util.Optional<Split> fixed = FileSources.splitOf(Path.of(URI.create(file)
              .getPath()));
          if (r.getBoolean(r.fieldIndex("whole"))) {
            FileSources.forEachDocument(new ByteArrayInputStream(text.getBytes(
                StandardCharsets.UTF_8)), separator, doc -> write(t, doc, fixed, writers,
                    counts));
          } else {
            write(t, text, fixed, writers, counts);
          }
        }
      } finally {
        for (ShardWriter w : writers.values()) {
          w.close();
        }
      }
      ObjectNode out = Json.object().put("partition", partition);
      out.set("files", files);
      ObjectNode splits = out.putObject("splits");
      for (Split s : Split.values()) {
        ObjectNode sp = splits.putObject(s.id()).put("documents", counts.get(s)[0])
            .put("bytes", counts.get(s)[1]);
        ArrayNode sh = sp.putArray("shards");
        for (CorpusManifest.ShardEntry e : writers.get(s).shards()) {
          sh.addObject().put("file", e.file()).put("tokens", e.tokens());
        }
      }
      return List.of(out.toString()).iterator();
    }

    private void write(Tokenizer t, String doc, java.util.Optional<Split> fixed,
        Map<Split, ShardWriter> writers, Map<Split, long[]> counts) throws IOException {
      Split split = fixed.orElseGet(() -> CorpusPreparer.splitOf(doc, seed,
          validationFraction, testFraction));
      int[] tokens = t.encode(doc);
      ShardWriter w = writers.get(split);
      w.write(tokens, tokens.length);
      w.write(t.eotToken());
      counts.get(split)[0]++;
      counts.get(split)[1] += doc.getBytes(StandardCharsets.UTF_8).length;
    }
  }
}
