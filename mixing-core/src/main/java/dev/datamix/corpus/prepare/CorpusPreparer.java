package dev.datamix.corpus.prepare;

import dev.datamix.corpus.CorpusManifest;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.TokenDtype;
import dev.datamix.corpus.megatron.MegatronDomains;
import dev.datamix.random.Seeds;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.Json;
import dev.datamix.state.OutputDirectory;
import dev.datamix.tokenizer.ByteTokenizer;
import dev.datamix.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * Ingests text into a corpus directory: tokenises every document of every source, appends the
 * end-of-text token after each, assigns documents to train / validation / test (a source's fixed
 * split, or deterministically by a hash of the document's text and the seed), and writes shards
 * and the manifest.
 *
 * <p>Sources are processed in parallel, one task per file; the output does not depend on the
 * number of threads. Everything is written to a temporary sibling directory that replaces the
 * output only when complete, so an interrupted or failed run leaves the previous corpus intact.
 *
 * <p>An existing corpus is replaced only under {@link ExistingOutput#OVERWRITE}; by default a
 * non-empty output directory is an error, raised before any text is read. Malformed UTF-8 in the
 * sources is replaced by U+FFFD and counted per domain and split (in the manifest and {@link
 * PrepareReport#table()}), or is an error with {@link Builder#optFailOnInvalidUtf8}. A domain
 * whose training split holds no whole block is an error naming its tokens and the block length.
 */
public final class CorpusPreparer {
  private static final Pattern DOMAIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  /** The corpus kind of output directory: recognised by its manifest. */
  public static final OutputDirectory OUTPUT =
      new OutputDirectory("corpus", List.of(CorpusManifest.FILE_NAME), false);

  private final Path output;
  private final Tokenizer tokenizer;
  private final int blockLength;
  private final Map<String, List<DocumentSource>> domains;
  private final double validationFraction;
  private final double testFraction;
  private final long seed;
  private final int threads;
  private final long shardTokens;
  private final PrintStream progress;
  private final ExistingOutput existing;
  private final boolean failOnInvalidUtf8;
  private final List<String> order;
  private final Map<String, List<MegatronDomains.Source>> megatron;
  private final double[] megatronSplit;
  private final boolean countMegatronBytes;

  private CorpusPreparer(Builder b) {
    this.output = b.output.toAbsolutePath().normalize();
    this.tokenizer = b.tokenizer;
    this.blockLength = b.blockLength;
    this.domains = new LinkedHashMap<>(b.domains);
    this.validationFraction = b.validationFraction;
    this.testFraction = b.testFraction;
    this.seed = b.seed;
    this.threads = b.threads;
    this.shardTokens = b.shardTokens;
    this.progress = b.progress;
    this.existing = b.existing;
    this.failOnInvalidUtf8 = b.failOnInvalidUtf8;
    this.order = List.copyOf(b.order);
    this.megatron = new LinkedHashMap<>(b.megatron);
    this.megatronSplit = b.megatronSplit != null ? b.megatronSplit.clone()
        : new double[] {1 - validationFraction - testFraction, validationFraction, testFraction};
    this.countMegatronBytes = b.countMegatronBytes;
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs the ingestion.
   *
   * @return what was written
   * @throws IOException if reading a source or writing fails; the previous corpus is untouched
   * @throws IllegalArgumentException naming the source and line for malformed input, or the
   *     domain whose training split holds no block
   * @throws dev.datamix.state.OutputExistsException if the output is not empty and not told to
   *     overwrite it, or is not a corpus
   */
  public PrepareReport run() throws IOException {
    long start = System.nanoTime();
    checkOutput();
    Files.createDirectories(output.getParent());
    Path temp = Files.createTempDirectory(output.getParent(), output.getFileName() + ".tmp-");
    try {
      CorpusManifest manifest = ingest(temp);
      checkTrainingBlocks(manifest);
      if (tokenizer.file().isPresent()) {
        Path file = tokenizer.file().get();
        Files.copy(file, temp.resolve(file.getFileName()));
      }
      AtomicFiles.writeString(temp.resolve(CorpusManifest.FILE_NAME),
          Json.write(manifest.toJson()));
      replace(temp);
      return new PrepareReport(output, manifest, (System.nanoTime() - start) / 1e9);
    } finally {
      if (Files.exists(temp)) {
        AtomicFiles.deleteRecursively(temp);
      }
    }
  }

  /** Fails before any work if the output may not be written; a replacement swaps in at the end. */
  private void checkOutput() throws IOException {
    if (existing == ExistingOutput.RESUME) {
      throw new IllegalArgumentException("a corpus cannot be resumed: prepare it again with "
          + "overwrite, or into another directory");
    }
    if (!Files.exists(output) || Files.isDirectory(output) && OutputDirectory.isEmpty(output)) {
      return;
    }
    if (existing == ExistingOutput.OVERWRITE && !OUTPUT.markersIn(output).isEmpty()) {
      return; // the new corpus replaces the old one once it is complete
    }
    OUTPUT.claim(output, existing); // throws: something is there, or it is not a corpus
  }

  private static void checkTrainingBlocks(CorpusManifest manifest) {
    for (CorpusManifest.DomainEntry d : manifest.domains()) {
      long tokens = d.split(Split.TRAIN).tokens();
      if (manifest.blocks(tokens) == 0) {
        throw new IllegalArgumentException("domain '" + d.name() + "' has " + tokens
            + " training tokens, not one block of blockLength " + manifest.blockLength()
            + " (a block reads " + (manifest.blockLength() + 1) + " tokens): add training text, "
            + "lower the block length, or leave the domain out");
      }
    }
  }

  private CorpusManifest ingest(Path temp) throws IOException {
    TokenDtype dtype = TokenDtype.forVocab(tokenizer.vocabSize());
    List<Task> tasks = new ArrayList<>();
    long totalBytes = 0;
    for (Map.Entry<String, List<DocumentSource>> d : domains.entrySet()) {
      Files.createDirectories(temp.resolve(d.getKey()));
      for (int s = 0; s < d.getValue().size(); s++) {
        DocumentSource src = d.getValue().get(s);
        tasks.add(new Task(d.getKey(), s, src));
        totalBytes += src.sizeBytes();
      }
    }
    PrepareProgress bar = new PrepareProgress(progress, tasks.size(), totalBytes);
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "datamix-prepare");
      t.setDaemon(true);
      return t;
    });
    List<Map<Split, SplitResult>> results = new ArrayList<>();
    try {
      List<Future<Map<Split, SplitResult>>> futures = new ArrayList<>();
      for (Task t : tasks) {
        futures.add(pool.submit(() -> {
          Map<Split, SplitResult> r = process(t, temp, dtype);
          bar.fileDone(t.source.sizeBytes());
          return r;
        }));
      }
      for (Future<Map<Split, SplitResult>> f : futures) {
        results.add(f.get());
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("prepare was interrupted; the previous corpus is untouched", e);
    } finally {
      pool.shutdownNow();
      awaitWorkers(pool);
      bar.finish();
    }
    List<CorpusManifest.DomainEntry> entries = new ArrayList<>();
    int taskIndex = 0;
    for (String domain : domains.keySet()) {
      Map<Split, List<CorpusManifest.ShardEntry>> shards = new EnumMap<>(Split.class);
      Map<Split, long[]> counts = new EnumMap<>(Split.class);
      for (Split s : Split.values()) {
        shards.put(s, new ArrayList<>());
        counts.put(s, new long[3]);
      }
      for (int i = 0; i < domains.get(domain).size(); i++) {
        for (Map.Entry<Split, SplitResult> e : results.get(taskIndex++).entrySet()) {
          shards.get(e.getKey()).addAll(e.getValue().shards);
          counts.get(e.getKey())[0] += e.getValue().documents;
          counts.get(e.getKey())[1] += e.getValue().bytes;
          counts.get(e.getKey())[2] += e.getValue().invalidUtf8;
        }
      }
      Map<Split, CorpusManifest.SplitEntry> splits = new EnumMap<>(Split.class);
      for (Split s : Split.values()) {
        splits.put(s, new CorpusManifest.SplitEntry(shards.get(s), counts.get(s)[0],
            counts.get(s)[1], counts.get(s)[2]));
      }
      entries.add(new CorpusManifest.DomainEntry(domain, splits));
    }
    for (Map.Entry<String, List<MegatronDomains.Source>> m : megatron.entrySet()) {
      entries.add(MegatronDomains.attach(m.getKey(), m.getValue(), megatronSplit, tokenizer,
          countMegatronBytes, progress));
    }
    entries.sort(java.util.Comparator.comparingInt(e -> order.indexOf(e.name())));
    return new CorpusManifest(dtype, tokenizer.vocabSize(), blockLength, tokenizer.eotToken(),
        tokenizer.spec(), entries);
  }

  /** Waits for interrupted workers to stop writing before their files are removed. */
  private static void awaitWorkers(ExecutorService pool) {
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        try {
          if (pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)) {
            return;
          }
          throw new IllegalStateException("prepare workers did not stop within 60 s");
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Map<Split, SplitResult> process(Task task, Path temp, TokenDtype dtype)
      throws IOException {
    Map<Split, ShardWriter> writers = new EnumMap<>(Split.class);
    Map<Split, SplitResult> results = new EnumMap<>(Split.class);
    String prefixBase = String.format(Locale.ROOT, "-%05d", task.index);
    try {
      for (Split s : Split.values()) {
        writers.put(s, new ShardWriter(temp, task.domain, s.id() + prefixBase, dtype,
            tokenizer.vocabSize(), shardTokens));
        results.put(s, new SplitResult());
      }
      java.util.Optional<Split> fixed = task.source.fixedSplit();
      try {
        task.source.forEach(new DocumentSource.DocumentSink() {
          @Override
          public void accept(String doc) throws IOException {
            accept(doc, 0, 0);
          }

          @Override
          public void accept(String doc, long invalidUtf8, long firstInvalidLine)
              throws IOException {
            if (invalidUtf8 > 0 && failOnInvalidUtf8) {
              throw new IllegalArgumentException("source " + task.source.name() + " of domain '"
                  + task.domain + "' is not valid UTF-8: " + invalidUtf8 + " malformed "
                  + "sequence(s) in a document, the first on line " + firstInvalidLine
                  + " (failOnInvalidUtf8 is set; without it they become U+FFFD and are counted)");
            }
            Split split = fixed.orElseGet(() -> splitOf(doc));
            int[] tokens = tokenizer.encode(doc);
            ShardWriter w = writers.get(split);
            w.write(tokens, tokens.length);
            w.write(tokenizer.eotToken());
            SplitResult r = results.get(split);
            r.documents++;
            r.bytes += doc.getBytes(StandardCharsets.UTF_8).length;
            r.invalidUtf8 += invalidUtf8;
          }
        });
      } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
        throw e;
      } catch (IOException e) {
        throw new IOException("reading source " + task.source.name() + " of domain '"
            + task.domain + "' failed: " + e.getMessage(), e);
      }
    } finally {
      for (ShardWriter w : writers.values()) {
        w.close();
      }
    }
    for (Map.Entry<Split, ShardWriter> e : writers.entrySet()) {
      results.get(e.getKey()).shards.addAll(e.getValue().shards());
    }
    return results;
  }

  private Split splitOf(String doc) {
    return splitOf(doc, seed, validationFraction, testFraction);
  }

  /**
   * The split of a document from a source without a fixed split: a pure function of its text and
   * the seed, so the same document always lands in the same split, whoever prepares it.
   */
  public static Split splitOf(String doc, long seed, double validationFraction,
      double testFraction) {
    double u = Seeds.toUnitDouble(Seeds.hash(seed, Seeds.fingerprint(doc)));
    if (u < validationFraction) {
      return Split.VALIDATION;
    }
    return u < validationFraction + testFraction ? Split.TEST : Split.TRAIN;
  }

  private void replace(Path temp) throws IOException {
    if (Files.isDirectory(output) && OutputDirectory.isEmpty(output)) {
      Files.delete(output);
    }
    if (!Files.exists(output)) {
      AtomicFiles.move(temp, output);
      return;
    }
    if (!Files.exists(output.resolve(CorpusManifest.FILE_NAME))) {
      throw new IOException("output " + output + " exists but is not a datamix corpus (no "
          + CorpusManifest.FILE_NAME + "); refusing to replace it");
    }
    Path old = output.resolveSibling(output.getFileName() + ".old-" + System.nanoTime());
    AtomicFiles.move(output, old);
    AtomicFiles.move(temp, output);
    AtomicFiles.deleteRecursively(old);
  }

  private record Task(String domain, int index, DocumentSource source) {}

  private static final class SplitResult {
    final List<CorpusManifest.ShardEntry> shards = new ArrayList<>();
    long documents;
    long bytes;
    long invalidUtf8;
  }

  /** Builds a {@link CorpusPreparer}; all checks happen in {@link #build()}. */
  public static final class Builder {
    private Path output;
    private Tokenizer tokenizer = ByteTokenizer.instance();
    private int blockLength = 256;
    private final Map<String, List<DocumentSource>> domains = new LinkedHashMap<>();
    private double validationFraction = 0.05;
    private double testFraction = 0.05;
    private long seed;
    private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private long shardTokens = 1L << 28;
    private PrintStream progress;
    private ExistingOutput existing = ExistingOutput.REFUSE;
    private boolean failOnInvalidUtf8;
    private final List<String> order = new ArrayList<>();
    private final Map<String, List<MegatronDomains.Source>> megatron = new LinkedHashMap<>();
    private double[] megatronSplit;
    private boolean countMegatronBytes = true;

    private Builder() {}

    /**
     * Optional: what to do when the output directory is not empty (default {@link
     * ExistingOutput#REFUSE}). {@link ExistingOutput#OVERWRITE} replaces an existing corpus once
     * the new one is complete; a directory that is not a corpus is never replaced.
     */
    public Builder optExistingOutput(ExistingOutput mode) {
      this.existing = java.util.Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Optional: malformed UTF-8 in a source is an error instead of U+FFFD (default false). */
    public Builder optFailOnInvalidUtf8(boolean fail) {
      this.failOnInvalidUtf8 = fail;
      return this;
    }

    /** Required: the corpus directory to (re)write. */
    public Builder setOutput(Path output) {
      this.output = output;
      return this;
    }

    /** Optional: the tokenizer (default: the byte tokenizer). */
    public Builder optTokenizer(Tokenizer tokenizer) {
      this.tokenizer = tokenizer;
      return this;
    }

    /** Optional: tokens per block (default 256). */
    public Builder optBlockLength(int tokens) {
      this.blockLength = tokens;
      return this;
    }

    /** Adds a domain fed by {@code sources}, in order. At least one domain is required. */
    public Builder addDomain(String name, List<DocumentSource> sources) {
      claimName(name);
      domains.put(name, List.copyOf(sources));
      return this;
    }

    /**
     * Adds a domain read in place from Megatron indexed datasets, tokenised with this corpus's
     * tokenizer (see {@link MegatronDomains}).
     */
    public Builder addMegatronDomain(String name, List<MegatronDomains.Source> sources) {
      claimName(name);
      megatron.put(name, List.copyOf(sources));
      return this;
    }

    /**
     * Optional: the train, val and test weights that cut a Megatron dataset given without a
     * split into document ranges, as Megatron's {@code --split} (default: the split fractions).
     */
    public Builder optMegatronSplit(double train, double validation, double test) {
      this.megatronSplit = new double[] {train, validation, test};
      return this;
    }

    /**
     * Optional: whether attaching a Megatron dataset decodes it to count its text bytes (default
     * true); without them its losses are reported in nats per token only.
     */
    public Builder optCountMegatronBytes(boolean count) {
      this.countMegatronBytes = count;
      return this;
    }

    private void claimName(String name) {
      if (order.contains(name)) {
        throw new IllegalArgumentException("duplicate domain name '" + name + "'");
      }
      order.add(name);
    }

    /**
     * Optional: fractions of documents sent to validation and test when a source has no fixed
     * split (defaults 0.05 and 0.05).
     */
    public Builder optSplitFractions(double validation, double test) {
      this.validationFraction = validation;
      this.testFraction = test;
      return this;
    }

    /** Optional: the seed of the document-hash split (default 0). */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Optional: worker threads (default: available processors). */
    public Builder optThreads(int threads) {
      this.threads = threads;
      return this;
    }

    /** Optional: the most tokens per shard file (default 2^28). */
    public Builder optShardTokens(long tokens) {
      this.shardTokens = tokens;
      return this;
    }

    /** Optional: where to draw the progress bar (default: nowhere). */
    public Builder optProgress(PrintStream out) {
      this.progress = out;
      return this;
    }

    /**
     * The preparer.
     *
     * @throws IllegalArgumentException naming the setting and value that is missing or invalid
     */
    public CorpusPreparer build() {
      if (output == null) {
        throw new IllegalArgumentException("output directory must be set");
      }
      if (order.isEmpty()) {
        throw new IllegalArgumentException("at least one domain must be added");
      }
      if (megatronSplit != null) {
        MegatronDomains.splitBoundaries(0, megatronSplit); // validates the weights
      }
      for (String name : megatron.keySet()) {
        if (!DOMAIN_NAME.matcher(name).matches()) {
          throw new IllegalArgumentException("domain name must match " + DOMAIN_NAME.pattern()
              + ", got '" + name + "'");
        }
      }
      for (Map.Entry<String, List<DocumentSource>> d : domains.entrySet()) {
        if (!DOMAIN_NAME.matcher(d.getKey()).matches()) {
          throw new IllegalArgumentException("domain name must match " + DOMAIN_NAME.pattern()
              + " (it names a directory), got '" + d.getKey() + "'");
        }
        if (d.getValue().isEmpty()) {
          throw new IllegalArgumentException("domain '" + d.getKey() + "' has no source");
        }
      }
      if (blockLength <= 0) {
        throw new IllegalArgumentException("blockLength must be > 0, got " + blockLength);
      }
      if (!(validationFraction >= 0 && testFraction >= 0
          && validationFraction + testFraction < 1)) {
        throw new IllegalArgumentException("split fractions must be >= 0 with a sum < 1, got "
            + "validation " + validationFraction + " and test " + testFraction);
      }
      if (threads <= 0) {
        throw new IllegalArgumentException("threads must be > 0, got " + threads);
      }
      if (shardTokens <= 0) {
        throw new IllegalArgumentException("shardTokens must be > 0, got " + shardTokens);
      }
      return new CorpusPreparer(this);
    }
  }
}
