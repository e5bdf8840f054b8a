package dev.datamix.djl.train;

import ai.djl.Device;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.mixture.Domain;
import dev.datamix.signal.ReferenceLossTable;
import dev.datamix.state.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds a {@link ReferenceLossTable}: a reference model's mean per-token loss on every training
 * block of a corpus's training domains, once, so that DoReMi's proxy looks it up instead of
 * running the reference model at every step.
 */
public final class ReferenceTables {
  private ReferenceTables() {}

  /**
   * What a table and a checkpoint record of the corpus: vocabulary, block length, and each
   * training domain's name and blocks.
   */
  static ObjectNode corpusIdentity(Corpus corpus, List<Domain> domains) {
    ObjectNode o = Json.object();
    o.put("vocabSize", corpus.manifest().vocabSize());
    o.put("blockLength", corpus.blockLength());
    ArrayNode ds = o.putArray("trainDomains");
    for (Domain d : domains) {
      ds.addObject().put("name", d.name()).put("blocks", d.blocks());
    }
    return o;
  }

  /**
   * The training domains of a run with {@code config} on {@code corpus}, in order: {@code
   * trainDomains}, or every domain but the target when it is empty (what {@link MixingTrainer}
   * trains on).
   *
   * @throws IllegalArgumentException naming an unknown domain, or a target among the training
   *     domains
   */
  public static List<Domain> trainDomains(Corpus corpus, TrainingConfig config) {
    List<String> names = config.trainDomains().isEmpty()
        ? corpus.domainNames().stream().filter(n -> !n.equals(config.targetDomain())).toList()
        : config.trainDomains();
    if (!config.targetDomain().isEmpty()) {
      corpus.domainIndex(config.targetDomain());
      if (names.contains(config.targetDomain())) {
        throw new IllegalArgumentException("targetDomain '" + config.targetDomain()
            + "' must not be a training domain, trainDomains are " + names);
      }
    }
    List<Domain> all = corpus.domains(Split.TRAIN);
    List<Domain> out = new ArrayList<>();
    for (String n : names) {
      out.add(all.get(corpus.domainIndex(n)));
    }
    return List.copyOf(out);
  }

  /**
   * Scores every training block of {@code domains} with the latest checkpoint of {@code
   * referenceRun} and writes the table into {@code tableDir} (which must not hold one).
   *
   * @param batch blocks per forward pass
   * @param progress where a line per domain goes, or null
   * @return the number of blocks scored
   */
  public static long build(Corpus corpus, List<Domain> domains, Path referenceRun, Path tableDir,
      int batch, Device device, PrintStream progress) throws IOException {
    if (batch <= 0) {
      throw new IllegalArgumentException("batch must be > 0, got " + batch);
    }
    if (ReferenceLossTable.exists(tableDir)) {
      throw new IllegalArgumentException("reference table " + tableDir + " exists already: "
          + "choose another directory (a table is never overwritten)");
    }
    try (ReferenceModel model = ReferenceModel.load(referenceRun, corpus, device)) {
      float[][] losses = new float[domains.size()][];
      long total = 0;
      for (int d = 0; d < domains.size(); d++) {
        Domain domain = domains.get(d);
        long start = System.nanoTime();
        losses[d] = model.trainingBlockLosses(corpus, corpus.domainIndex(domain.name()), batch);
        total += domain.blocks();
        if (progress != null) {
          progress.printf(Locale.ROOT, "reference table: %s, %d blocks in %.1f s%n",
              domain.name(), domain.blocks(), (System.nanoTime() - start) / 1e9);
        }
      }
      ReferenceLossTable.write(tableDir, domains, losses, corpusIdentity(corpus, domains),
          model.identity());
      return total;
    }
  }
}
