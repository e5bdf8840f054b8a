package dev.datamix.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.corpus.cluster.ClusterSettings;
import dev.datamix.corpus.cluster.CorpusClusterer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code datamix cluster}: fine-grained domains by k-means over a corpus's blocks. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = {"Cluster the blocks of one or more domains into a new corpus whose domains",
        "are the clusters: spherical k-means over hashed token-bigram features, fitted on a",
        "keyed sample of training blocks; every block of every split goes to its nearest",
        "centroid. --keep copies other domains (a target task) unchanged. Resumable: --resume",
        "continues an interrupted run with the same settings; --out must be new or empty",
        "otherwise (--overwrite deletes what is there). Prints each cluster's size and the",
        "source domain it draws most from."})
public final class ClusterCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--corpus", required = true, description = "prepared corpus to read")
  Path corpus;

  @Option(names = "--out", required = true, description = "corpus directory to write")
  Path out;

  @Option(names = "--domains", required = true, split = ",",
      description = "domains whose blocks are pooled and clustered")
  List<String> domains;

  @Option(names = "--keep", split = ",", description = "domains copied unchanged")
  List<String> keep = new ArrayList<>();

  @Option(names = "--clusters", defaultValue = "32",
      description = "number of clusters (default: ${DEFAULT-VALUE})")
  int clusters;

  @Option(names = "--features", defaultValue = "512",
      description = "hashed bigram buckets per block (default: ${DEFAULT-VALUE})")
  int features;

  @Option(names = "--sample", defaultValue = "20000",
      description = "training blocks the centroids are fitted on (default: ${DEFAULT-VALUE})")
  int sample;

  @Option(names = "--iterations", defaultValue = "50",
      description = "most k-means iterations (default: ${DEFAULT-VALUE})")
  int iterations;

  @Option(names = "--seed", defaultValue = "1", description = "seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--prefix", defaultValue = "cluster",
      description = "cluster domain names: prefix + index (default: ${DEFAULT-VALUE})")
  String prefix;

  @Option(names = "--resume", description = "continue an interrupted clustering in --out")
  boolean resume;

  @Option(names = "--overwrite", description = "delete what --out holds first")
  boolean overwrite;

  @Override
  public Integer call() throws IOException {
    ClusterSettings s = new ClusterSettings(domains, keep, clusters, features, sample, seed,
        iterations, prefix);
    JsonNode report = new CorpusClusterer(corpus, out, s, System.err).run(
        Datamix.outputMode(spec.commandLine(), resume, overwrite));
    PrintWriter w = spec.commandLine().getOut();
    w.printf(Locale.ROOT, "%-12s %10s %8s %8s  %s%n", "cluster", "train", "val", "test",
        "largest source share");
    for (JsonNode row : report.get("clusters")) {
      String top = "";
      double max = -1;
      for (var it = row.get("trainShareBySource").fields(); it.hasNext(); ) {
        var e = it.next();
        if (e.getValue().asDouble() > max) {
          max = e.getValue().asDouble();
          top = e.getKey();
        }
      }
      w.printf(Locale.ROOT, "%-12s %,10d %,8d %,8d  %s %.2f%n", row.get("name").asText(),
          row.get("trainBlocks").asLong(), row.get("valBlocks").asLong(),
          row.get("testBlocks").asLong(), top, max);
    }
    w.flush();
    return 0;
  }
}
