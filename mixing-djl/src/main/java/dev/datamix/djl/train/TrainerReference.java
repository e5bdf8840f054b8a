package dev.datamix.djl.train;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.mixture.Domain;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.signal.ReferenceLossTable;
import dev.datamix.signal.SignalKind;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The reference model a run's policy measures against (DoReMi's proxy): a model loaded from
 * another run, a precomputed table, or both. It is recorded in the run directory's {@code
 * reference.json}, and a resumed run must name the same one.
 */
final class TrainerReference implements AutoCloseable {
  private static final String FILE = "reference.json";

  final ReferenceModel model;
  final ReferenceLossTable table;

  private TrainerReference(ReferenceModel model, ReferenceLossTable table) {
    this.model = model;
    this.table = table;
  }

  /**
   * Opens what the builder names, or nothing; refuses a policy that asks for reference losses
   * without either, and a reference given to a policy that never asks.
   */
  static TrainerReference open(MixingTrainerBuilder b, MixingPolicy policy, Corpus corpus,
      List<Domain> domains, JsonNode corpusIdentity, Device device) throws IOException {
    boolean asks = policy.possibleSignals().contains(SignalKind.REFERENCE_LOSS);
    boolean given = b.referenceRun != null || b.referenceTable != null;
    if (asks && !given) {
      throw new IllegalArgumentException("policy '" + policy.name() + "' measures its excess "
          + "loss over a reference model, but the trainer has none: give a reference run "
          + "(--reference-run, optReferenceModel) or a precomputed table (--reference-table, "
          + "optReferenceTable)");
    }
    if (!asks && given) {
      throw new IllegalArgumentException("a reference model or table was given, but policy '"
          + policy.name() + "' never asks for reference losses; drop it");
    }
    if (!given) {
      return new TrainerReference(null, null);
    }
    ReferenceModel model = b.referenceRun == null ? null
        : ReferenceModel.load(b.referenceRun, corpus, device);
    try {
      ReferenceLossTable table = null;
      if (b.referenceTable != null) {
        JsonNode expected = model != null ? model.identity()
            : ReferenceLossTable.referenceIdentity(b.referenceTable);
        table = ReferenceLossTable.open(b.referenceTable, domains, corpusIdentity, expected,
            b.referenceStorage);
      }
      return new TrainerReference(model, table);
    } catch (RuntimeException | IOException e) {
      if (model != null) {
        model.close();
      }
      throw e;
    }
  }

  /** What this reference is, for {@code reference.json}. */
  ObjectNode identity() {
    ObjectNode o = Json.object();
    if (model != null) {
      o.set("model", model.identity());
    }
    if (table != null) {
      o.set("table", table.reference());
      o.put("tableDirectory", table.directory().toAbsolutePath().normalize().toString());
    }
    return o;
  }

  /**
   * Writes {@code reference.json} into a new run, or checks a resumed run's against this one.
   *
   * @throws IncompatibleStateException naming expected and found if a resumed run was trained
   *     against another reference
   */
  void record(Path runDir, ExistingOutput mode) throws IOException {
    Path file = runDir.resolve(FILE);
    ObjectNode now = identity();
    if (mode == ExistingOutput.RESUME && Files.exists(file)) {
      IncompatibleStateException.check("reference of run " + runDir + " (" + FILE + ")",
          Json.read(file), now);
      return;
    }
    if (model != null || table != null) {
      AtomicFiles.writeString(file, Json.write(now));
    }
  }

  @Override
  public void close() {
    if (model != null) {
      model.close();
    }
  }
}
