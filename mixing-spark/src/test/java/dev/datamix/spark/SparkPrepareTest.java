package dev.datamix.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.corpus.prepare.CorpusPreparer;
import dev.datamix.corpus.prepare.FileSources;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.Json;
import dev.datamix.tokenizer.ByteTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark's preparation writes, split for split, the token streams {@code prepare} writes from
 * the same text, JSONL and Parquet files, whatever the number of partitions.
 */
class SparkPrepareTest {
  static SparkSession spark;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    spark = SparkSessions.open("local[2]", "datamix-test");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static List<String> docs(String domain, int from, int n) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      out.add(DemoCorpus.document(domain, 7, i));
    }
    return out;
  }

  /** Three domains: two text files, a JSONL file plus a gzipped one, a Parquet file. */
  private Map<String, List<Path>> sources() throws IOException {
    Path src = Files.createDirectories(dir.resolve("src"));
    Path text = Files.createDirectories(src.resolve("text"));
    for (int f = 0; f < 2; f++) {
      StringBuilder s = new StringBuilder();
      for (String d : docs("template", 40 * f, 40)) {
        s.append(d).append(d.endsWith("\n") ? "" : "\n").append("<|endoftext|>\n");
      }
      Files.writeString(text.resolve("part" + f + ".txt"), s);
    }
    Path json = Files.createDirectories(src.resolve("json"));
    StringBuilder jl = new StringBuilder();
    for (String d : docs("code", 0, 50)) {
      jl.append(Json.object().put("body", d).toString()).append('\n');
    }
    Files.writeString(json.resolve("a.jsonl"), jl);
    Files.writeString(json.resolve("b.jsonl"), jl.toString().replace("\"body\"", "\"body\""));
    Path parquet = src.resolve("parquet");
    spark.createDataset(docs("arith", 0, 60), Encoders.STRING()).toDF("body").coalesce(1)
        .write().parquet(parquet.toString());
    Map<String, List<Path>> m = new LinkedHashMap<>();
    m.put("text", List.of(text));
    m.put("json", List.of(json));
    m.put("parquet", List.of(parquet));
    return m;
  }

  private static int[] tokens(Corpus c, int d, Split s) {
    int[] t = new int[(int) c.tokens(d, s)];
    c.readTokens(d, s, 0, t.length, t, 0);
    return t;
  }

  @Test
  void theTokenStreamsArePreparesForEveryPartitionCount() throws IOException {
    Map<String, List<Path>> sources = sources();
    // prepare, as a newcomer runs it, on the same files (Parquet through mixing-hf is not on
    // this module's class path: the parquet domain is compared with Spark's own two runs)
    CorpusPreparer.Builder b = CorpusPreparer.builder().setOutput(dir.resolve("prepare"))
        .optBlockLength(32).optSeed(3);
    for (String name : List.of("text", "json")) {
      List<dev.datamix.corpus.prepare.DocumentSource> src = new ArrayList<>();
      for (Path p : sources.get(name)) {
        src.addAll(FileSources.under(p, "body", FileSources.DEFAULT_SEPARATOR));
      }
      b.addDomain(name, src);
    }
    Path reference = b.build().run().directory();
    List<Path> outs = new ArrayList<>();
    for (int partitions : new int[] {1, 3}) {
      Path out = dir.resolve("spark-" + partitions);
      new SparkPrepare(spark, out, ByteTokenizer.instance(), 32, sources, "body",
          FileSources.DEFAULT_SEPARATOR, 0.05, 0.05, 3, partitions)
          .run(ExistingOutput.REFUSE);
      outs.add(out);
    }
    try (Corpus ref = Corpus.open(reference); Corpus one = Corpus.open(outs.get(0));
        Corpus three = Corpus.open(outs.get(1))) {
      for (Split s : Split.values()) {
        for (int d = 0; d < 2; d++) {
          assertTrue(Arrays.equals(tokens(ref, d, s), tokens(one, d, s)), "domain " + d + " "
              + s);
          assertTrue(Arrays.equals(tokens(ref, d, s), tokens(three, d, s)), "domain " + d + " "
              + s);
          assertEquals(ref.manifest().domains().get(d).split(s).bytes(),
              three.manifest().domains().get(d).split(s).bytes());
          assertEquals(ref.manifest().domains().get(d).split(s).documents(),
              three.manifest().domains().get(d).split(s).documents());
        }
        assertTrue(Arrays.equals(tokens(one, 2, s), tokens(three, 2, s)), "parquet " + s);
      }
      assertEquals(60, one.manifest().domain("parquet").split(Split.TRAIN).documents()
          + one.manifest().domain("parquet").split(Split.VALIDATION).documents()
          + one.manifest().domain("parquet").split(Split.TEST).documents());
    }
  }
}
