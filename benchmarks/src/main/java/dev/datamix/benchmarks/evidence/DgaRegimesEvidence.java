package dev.datamix.benchmarks.evidence;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.cluster.ClusterSettings;
import dev.datamix.corpus.cluster.CorpusClusterer;
import dev.datamix.corpus.prepare.TrainingCaps;
import dev.datamix.shootout.Shootout;
import dev.datamix.shootout.ShootoutReport;
import dev.datamix.shootout.ShootoutSpec;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DGA in the two regimes its paper makes claims for (Fan, Grangier and Ablin, 2024), against the
 * natural mix and importance sampling, with both forms of its moving average:
 *
 * <ul>
 *   <li><b>Scarce target-like data.</b> The two domains importance sampling rates most
 *       target-like keep only {@code --cap} training blocks ({@link TrainingCaps}), so a
 *       target-seeking mix repeats them many times within the budget.
 *   <li><b>Fine-grained domains.</b> The five generic domains are clustered into {@code
 *       --clusters} k-means clusters ({@link CorpusClusterer}); DGA reweights 4 basis
 *       distributions, the clusters' quartiles by importance score (each proportional to its
 *       clusters' tokens inside).
 * </ul>
 *
 * <p>Usage: {@code DgaRegimesEvidence --corpus DIR --out DIR [--seeds 1,2,3] [--cluster-seeds
 * 1,2,3] [--cap 200] [--clusters 32]}; run through {@code benchmarks/run-dga-regimes.sh}.
 */
public final class DgaRegimesEvidence {
  static final String TARGET = "target_jargon";

  private DgaRegimesEvidence() {}

  /** Runs what is missing and writes both shoot-outs' reports. */
  public static void main(String[] args) throws IOException {
    EvidenceArgs a = new EvidenceArgs(args);
    Path corpusDir = Path.of(a.require("--corpus"));
    Path out = Path.of(a.require("--out"));
    long cap = Long.parseLong(a.get("--cap", "200"));
    int clusters = Integer.parseInt(a.get("--clusters", "32"));
    Files.createDirectories(out);
    List<String> generic = new ArrayList<>();
    a.realTextTrainer(600).get("trainDomains").forEach(d -> generic.add(d.asText()));

    Map<String, Double> scores = DgaEvidence.targetScores(corpusDir, generic, TARGET);
    List<String> ranked = new ArrayList<>(generic);
    ranked.sort(Comparator.comparingDouble(d -> -scores.get(d)));
    Path scarce = out.resolve("corpus-scarce");
    if (!Files.exists(scarce.resolve("manifest.json"))) {
      Map<String, Long> caps = new LinkedHashMap<>();
      caps.put(ranked.get(0), cap);
      caps.put(ranked.get(1), cap);
      TrainingCaps.write(corpusDir, scarce, caps, ExistingOutput.OVERWRITE); // its own corpus
    }
    run(a, scarce, generic, DgaEvidence.targetScores(scarce, generic, TARGET), a.seeds(),
        out.resolve("scarce"), null);

    Path clustered = out.resolve("corpus-clusters");
    ClusterSettings settings = new ClusterSettings(generic, List.of(TARGET), clusters, 512,
        20_000, 1, 50, "cluster");
    new CorpusClusterer(corpusDir, clustered, settings, System.err).run(
        CorpusClusterer.OUTPUT.resumeIfPresent(clustered));
    List<String> names = new ArrayList<>();
    for (int c = 0; c < clusters; c++) {
      names.add(settings.clusterName(c));
    }
    List<Long> clusterSeeds = a.longs("--cluster-seeds", a.get("--seeds", "1,2,3"));
    Map<String, Double> clusterScores = DgaEvidence.targetScores(clustered, names, TARGET);
    run(a, clustered, names, clusterScores, clusterSeeds, out.resolve("clusters"),
        bases(clustered, names, clusterScores));
  }

  /** Four bases: the domains' quartiles by importance score, proportional to tokens inside. */
  private static ArrayNode bases(Path corpusDir, List<String> names, Map<String, Double> scores)
      throws IOException {
    List<String> ranked = new ArrayList<>(names);
    ranked.sort(Comparator.comparingDouble(d -> -scores.get(d)));
    ArrayNode bases = Json.array();
    try (Corpus corpus = Corpus.open(corpusDir)) {
      for (int q = 0; q < 4; q++) {
        ObjectNode b = bases.addObject();
        for (int i = q * ranked.size() / 4; i < (q + 1) * ranked.size() / 4; i++) {
          String d = ranked.get(i);
          b.put(d, (double) corpus.tokens(corpus.domainIndex(d), Split.TRAIN));
        }
      }
    }
    return bases;
  }

  /** The shoot-out of one regime: natural, importance, DGA in both EMA forms (and stratified). */
  private static void run(EvidenceArgs a, Path corpusDir, List<String> domains,
      Map<String, Double> scores, List<Long> seeds, Path shoot, ArrayNode bases)
      throws IOException {
    ObjectNode trainer = DgaEvidence.withTarget(a.realTextTrainer(600), TARGET);
    ArrayNode train = trainer.putArray("trainDomains");
    domains.forEach(train::add);
    List<ShootoutSpec.Entry> entries = new ArrayList<>(List.of(
        new ShootoutSpec.Entry("uniform", Json.parse("{\"policy\": \"uniform\"}")),
        new ShootoutSpec.Entry("natural", Json.parse("{\"policy\": \"proportional\"}")),
        new ShootoutSpec.Entry("importance", DgaEvidence.importance(scores))));
    for (String form : List.of("sampler", "state")) {
      ObjectNode dga = Json.object();
      dga.put("policy", "dga");
      ObjectNode c = dga.putObject("config").put("updateEvery", 25).put("emaForm", form);
      if (bases != null) {
        c.set("basis", bases);
      }
      entries.add(new ShootoutSpec.Entry((bases == null ? "dga-ema-" : "dga-4-bases-ema-")
          + form, dga));
    }
    ShootoutSpec spec = new ShootoutSpec(corpusDir.toString(), 0, 0, trainer, entries, seeds,
        50, "natural");
    new Shootout(spec, shoot, System.err).run(
        Shootout.OUTPUT.resumeIfPresent(shoot)); // evidence harnesses continue by design
    ShootoutReport.write(shoot);
    System.out.println("wrote " + shoot.resolve("report.md"));
  }
}
