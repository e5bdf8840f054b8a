package dev.datamix.benchmarks;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.megatron.MegatronDomains;
import dev.datamix.corpus.megatron.MegatronExport;
import dev.datamix.corpus.prepare.CorpusPreparer;
import dev.datamix.corpus.prepare.FileSources;
import dev.datamix.hf.DatasetWriters;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.Json;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ingestion throughput by source format, on the same real text (about 8 MB of documents from
 * every domain of the shared corpus): plain text, JSONL, a Hugging Face {@code save_to_disk}
 * directory (Arrow stream), a Parquet file (zstd), each prepared into a corpus with the byte
 * tokenizer on one thread (the format's cost, not the tokenizer's); and a Megatron dataset of the
 * same documents attached in place (index scan, vocabulary scan, bytes counted by decoding). One
 * op = one whole ingestion; the {@code bytes} counter is the text's UTF-8 bytes (bytes/s). The
 * limit, {@code limit}, reads and decodes the same input without tokenising or writing anything
 * (every document handed over and dropped; for Megatron, every token of the {@code .bin} read
 * once).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.nio=ALL-UNNAMED")
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
public class IngestBenchmark {
  static final long TEXT_BYTES = 8_000_000;

  @Param({"text", "jsonl", "arrow", "parquet", "megatron"})
  public String format;

  private Path dir;
  private Path source;
  private long bytes;

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("datamix-ingest-bench");
    List<String> docs = SharedText.documents(TEXT_BYTES);
    bytes = SharedText.bytes(docs);
    switch (format) {
      case "text" -> {
        source = dir.resolve("docs.train.txt");
        try (Writer w = Files.newBufferedWriter(source, StandardCharsets.UTF_8)) {
          for (String d : docs) {
            w.write(d);
            w.write(d.endsWith("\n") ? "" : "\n");
            w.write(FileSources.DEFAULT_SEPARATOR + "\n");
          }
        }
      }
      case "jsonl" -> {
        source = dir.resolve("docs.train.jsonl");
        try (Writer w = Files.newBufferedWriter(source, StandardCharsets.UTF_8)) {
          for (String d : docs) {
            w.write(Json.object().put("text", d).toString()); // one line, no indentation
            w.write('\n');
          }
        }
      }
      case "arrow" -> {
        source = dir.resolve("saved");
        DatasetWriters.saveToDisk(docs.iterator(), "train", source);
      }
      case "parquet" -> {
        source = dir.resolve("train-00000-of-00001.parquet");
        DatasetWriters.parquet(docs, source);
      }
      case "megatron" -> {
        Path text = dir.resolve("text.train.txt");
        Files.write(text, docs.stream().map(d -> d + "\n" + FileSources.DEFAULT_SEPARATOR)
            .toList(), StandardCharsets.UTF_8);
        Path corpus = CorpusPreparer.builder().setOutput(dir.resolve("native"))
            .addDomain("d", FileSources.under(text, "text", FileSources.DEFAULT_SEPARATOR))
            .build().run().directory();
        source = dir.resolve("megatron/d_text_document");
        try (Corpus c = Corpus.open(corpus)) {
          MegatronExport.write(c, "d", Split.TRAIN, source, false);
        }
      }
      default -> throw new IllegalArgumentException(format);
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    AtomicFiles.deleteRecursively(dir);
  }

  /** The limit: the same input read and decoded, nothing tokenised or written. */
  @Benchmark
  public long limit(TextBytes text) throws IOException {
    long[] n = {0};
    if (format.equals("megatron")) {
      dev.datamix.corpus.MegatronIndex index = dev.datamix.corpus.MegatronIndex.open(source);
      try (dev.datamix.corpus.TokenShard shard = dev.datamix.corpus.TokenShard.openRange(
          index.bin(), index.dtype(), 0, index.tokens())) {
        int[] buf = new int[1 << 16];
        for (long at = 0; at < index.tokens(); at += buf.length) {
          int k = (int) Math.min(buf.length, index.tokens() - at);
          shard.read(at, k, buf, 0);
          n[0] += buf[k - 1];
        }
      }
    } else {
      for (var src : FileSources.under(source, "text", FileSources.DEFAULT_SEPARATOR)) {
        src.forEach(doc -> n[0] += doc.length());
      }
    }
    text.bytes += bytes;
    return n[0];
  }

  /** Ingests the whole source once. */
  @Benchmark
  public Object ingest(TextBytes text) throws IOException {
    CorpusPreparer.Builder b = CorpusPreparer.builder().setOutput(dir.resolve("out"))
        .optThreads(1).optExistingOutput(ExistingOutput.OVERWRITE);
    if (format.equals("megatron")) {
      b.addMegatronDomain("d", List.of(new MegatronDomains.Source(source, Split.TRAIN)));
    } else {
      b.addDomain("d", FileSources.under(source, "text", FileSources.DEFAULT_SEPARATOR));
    }
    Object report = b.build().run();
    text.bytes += bytes;
    return report;
  }
}
