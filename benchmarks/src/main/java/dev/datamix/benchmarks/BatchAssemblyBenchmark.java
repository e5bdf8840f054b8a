package dev.datamix.benchmarks;

import dev.datamix.corpus.BatchAssembler;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.sampler.MixtureSampler;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.state.AtomicFiles;
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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Tokens per second that batch assembly copies from memory-mapped uint16 shards into the
 * reusable buffer, single-threaded, batch 32 × 1,024 (+1) tokens, blocks drawn at random from the
 * demo corpus (about 2 MB of text per main domain; the page cache holds it). Target: 200 M
 * tokens/s. One op = one token. The limit, {@code limit}, copies the same bytes (2 a token) with
 * {@code System.arraycopy}, a block at a time, out of an 8 MB array.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BatchAssemblyBenchmark {
  static final int BATCH = 32;
  static final int BLOCK = 1024;
  static final int BATCHES = 256;

  private Path dir;
  private Corpus corpus;
  private BatchAssembler assembler;
  private BlockBatch[] batches;
  private int next;
  private short[] source;
  private short[] copy;
  static final int SOURCE_BLOCKS = 4096;

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("datamix-bench");
    DemoCorpus.write(dir.resolve("demo"), 2_000_000, BLOCK, 1);
    corpus = Corpus.open(dir.resolve("demo"));
    List<Domain> domains = corpus.domains(Split.TRAIN);
    MixtureSampler sampler = new MixtureSampler(domains, SamplerOptions.seed(1));
    Mixture uniform = Mixture.uniform(Domain.names(domains));
    batches = new BlockBatch[BATCHES];
    for (int i = 0; i < BATCHES; i++) {
      batches[i] = new BlockBatch(BATCH);
      sampler.draw(i, uniform, BATCH, batches[i]);
    }
    assembler = new BatchAssembler(corpus, Split.TRAIN, BATCH);
    source = new short[SOURCE_BLOCKS * (BLOCK + 1)]; // 8 MB of uint16 tokens, as in the shards
    for (int i = 0; i < source.length; i++) {
      source[i] = (short) i;
    }
    copy = new short[BATCH * (BLOCK + 1)];
  }

  @TearDown
  public void tearDown() throws IOException {
    corpus.close();
    AtomicFiles.deleteRecursively(dir);
  }

  /**
   * The limit: {@code System.arraycopy} of the same bytes, a block at a time, from a {@code
   * short[]} of uint16 tokens into a buffer of the same size: the copy without widening the
   * tokens to {@code int} or reading them from mapped shards.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH * (BLOCK + 1))
  public void limit(Blackhole bh) {
    int row = BLOCK + 1;
    int base = next * BATCH;
    next = (next + 1) % BATCHES;
    for (int i = 0; i < BATCH; i++) {
      System.arraycopy(source, ((base + i) % SOURCE_BLOCKS) * row, copy, i * row, row);
    }
    bh.consume(copy[BATCH * row - 1]);
  }

  /** Assembles one batch of 32 blocks; the score is in tokens (32 × 1,025 per invocation). */
  @Benchmark
  @OperationsPerInvocation(BATCH * (BLOCK + 1))
  public void assemble(Blackhole bh) {
    BlockBatch b = batches[next];
    next = (next + 1) % BATCHES;
    bh.consume(assembler.assemble(b));
    bh.consume(assembler.tokens()[BATCH * (BLOCK + 1) - 1]);
  }
}
