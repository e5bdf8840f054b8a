package dev.datamix.spark;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.CorpusManifest;
import dev.datamix.corpus.prepare.CorpusPreparer;
import dev.datamix.corpus.prepare.DocumentSource;
import dev.datamix.corpus.prepare.FileSources;
import dev.datamix.corpus.prepare.PrepareReport;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.Json;
import dev.datamix.tokenizer.ByteTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Corpus preparation throughput, {@link CorpusPreparer} on 1 and 2 threads against {@link
 * SparkPrepare} on {@code local[1]} and {@code local[2]}, on the same text files (one domain per
 * file, the byte tokenizer), in one JVM and one run: MB of text per second, best of {@code
 * --repeats}, and each figure's ratio to {@code prepare} on one thread. Spark's session start is
 * outside the timings (a cluster has it running); its job overhead is inside. Writes {@code
 * prepare.json} and {@code prepare.md} into {@code --out}. Used by {@code
 * benchmarks/run-spark-prepare.sh}.
 */
public final class PrepareThroughput {
  private PrepareThroughput() {}

  /** {@code PrepareThroughput --input DIR --out DIR [--repeats 3] [--command TEXT]}. */
  public static void main(String[] args) throws IOException {
    Path input = null;
    Path out = null;
    int repeats = 3;
    String command = "benchmarks/run-spark-prepare.sh";
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--input" -> input = Path.of(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        case "--repeats" -> repeats = Integer.parseInt(args[i + 1]);
        case "--command" -> command = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Map<String, List<Path>> domains = new LinkedHashMap<>();
    try (var files = Files.list(input)) {
      for (Path f : files.sorted().toList()) {
        String n = f.getFileName().toString();
        domains.put(n.substring(0, n.indexOf('.')), List.of(f));
      }
    }
    Path scratch = Files.createTempDirectory("datamix-spark-bench");
    ArrayNode rows = Json.array();
    double base = Double.NaN;
    try {
      for (String mode : List.of("prepare-1", "prepare-2", "local[1]", "local[2]")) {
        double best = Double.POSITIVE_INFINITY;
        long bytes = 0;
        SparkSession spark = mode.startsWith("local") ? SparkSessions.open(mode, "bench") : null;
        try {
          for (int r = 0; r < repeats; r++) {
            Path target = scratch.resolve("out");
            long start = System.nanoTime();
            PrepareReport report = spark == null ? prepare(domains, target,
                Integer.parseInt(mode.substring(8))) : new SparkPrepare(spark, target,
                ByteTokenizer.instance(), 256, domains, "text", FileSources.DEFAULT_SEPARATOR,
                0.05, 0.05, 0, spark.sparkContext().defaultParallelism())
                .run(ExistingOutput.OVERWRITE);
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
            bytes = textBytes(report.manifest());
          }
        } finally {
          if (spark != null) {
            spark.stop();
          }
        }
        double mbps = bytes / 1e6 / best;
        if (mode.equals("prepare-1")) {
          base = mbps;
        }
        rows.addObject().put("mode", mode).put("bytes", bytes).put("seconds", best)
            .put("mbPerSecond", mbps).put("ratioToPrepareOneThread", mbps / base);
      }
    } finally {
      AtomicFiles.deleteRecursively(scratch);
    }
    ObjectNode doc = Json.object().put("command", command).put("repeats", repeats)
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("java", System.getProperty("java.version"));
    doc.set("rows", rows);
    Files.createDirectories(out);
    AtomicFiles.writeString(out.resolve("prepare.json"), Json.write(doc));
    AtomicFiles.writeString(out.resolve("prepare.md"), render(doc));
    System.out.print(render(doc));
  }

  private static PrepareReport prepare(Map<String, List<Path>> domains, Path target,
      int threads) throws IOException {
    CorpusPreparer.Builder b = CorpusPreparer.builder().setOutput(target).optThreads(threads)
        .optExistingOutput(ExistingOutput.OVERWRITE);
    for (Map.Entry<String, List<Path>> d : domains.entrySet()) {
      List<DocumentSource> src = new ArrayList<>();
      for (Path p : d.getValue()) {
        src.addAll(FileSources.under(p, "text", FileSources.DEFAULT_SEPARATOR));
      }
      b.addDomain(d.getKey(), src);
    }
    return b.build().run();
  }

  private static long textBytes(CorpusManifest m) {
    long n = 0;
    for (CorpusManifest.DomainEntry d : m.domains()) {
      for (var s : d.splits().values()) {
        n += s.bytes();
      }
    }
    return n;
  }

  /** The Markdown page of a result. */
  static String render(ObjectNode doc) {
    StringBuilder s = new StringBuilder();
    s.append("# Corpus preparation: one process against Spark\n\n");
    s.append(String.format(Locale.ROOT, "Produced by `%s` (%d cores, Java %s; best of %d). The "
        + "same text files, one domain per file, the byte tokenizer, blocks of 256. MB are "
        + "10^6 bytes of text; the ratio is to `prepare` on one thread, measured in the same "
        + "run. Spark's session start is not timed; its job overhead is.%n%n",
        doc.get("command").asText(), doc.get("cores").asInt(), doc.get("java").asText(),
        doc.get("repeats").asInt()));
    s.append("| how | MB of text | seconds | MB/s | ratio to prepare, 1 thread |\n");
    s.append("|---|---:|---:|---:|---:|\n");
    for (var r : doc.get("rows")) {
      String mode = r.get("mode").asText();
      String how = mode.startsWith("prepare") ? "`prepare`, " + mode.substring(8) + " thread"
          + (mode.endsWith("1") ? "" : "s") : "Spark `" + mode + "`";
      s.append(String.format(Locale.ROOT, "| %s | %.1f | %.2f | %.2f | %.2f |%n", how,
          r.get("bytes").asLong() / 1e6, r.get("seconds").asDouble(),
          r.get("mbPerSecond").asDouble(), r.get("ratioToPrepareOneThread").asDouble()));
    }
    s.append("\n![MB/s against threads](prepare-vs-threads.png)\n");
    return s.toString();
  }
}
