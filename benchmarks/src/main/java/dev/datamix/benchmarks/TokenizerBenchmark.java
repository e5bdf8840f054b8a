package dev.datamix.benchmarks;

import dev.datamix.testkit.Gpt2TokenizerJson;
import dev.datamix.tokenizer.Tokenizer;
import dev.datamix.tokenizer.Tokenizers;
import java.io.IOException;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * GPT-2 byte-level BPE on the same real text (about 1 MB of documents from every domain of the
 * shared corpus, encoded one document at a time as {@code prepare} does), by jtokkit and by the
 * Hugging Face {@code tokenizers} library through DJL: MB of UTF-8 text per second on one
 * thread, i.e. per core. Both give the same ids (HuggingFaceTokenizerTest). One op = one
 * document; the {@code bytes} counter is the text encoded (bytes/s).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dai.djl.offline=true")
@Threads(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TokenizerBenchmark {
  @Param({"jtokkit", "hf"})
  public String engine;

  private Tokenizer tokenizer;
  private List<String> documents;
  private long[] sizes;
  private int next;

  @Setup
  public void setUp() throws IOException {
    Path dir = Files.createTempDirectory("datamix-tokenizer-bench");
    tokenizer = Tokenizers.load(Gpt2TokenizerJson.write(dir.resolve("gpt2.json")), engine, null);
    documents = SharedText.documents(1_000_000);
    sizes = new long[documents.size()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = SharedText.bytes(List.of(documents.get(i)));
    }
  }

  /** Encodes the next document. */
  @Benchmark
  public void encode(TextBytes text, Blackhole bh) {
    int i = next;
    next = (next + 1) % sizes.length;
    bh.consume(tokenizer.encode(documents.get(i)));
    text.bytes += sizes[i];
  }
}
