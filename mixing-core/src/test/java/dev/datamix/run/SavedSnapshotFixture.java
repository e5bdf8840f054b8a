package dev.datamix.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.datamix.mixture.Domain;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.state.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The run behind {@code snapshots/datamix-state-v1.json}: regenerates the committed snapshot and
 * the draws that must follow it. Run its {@code main} only when a new format version is added
 * (then keep the old files and add new ones); the test checks old files keep loading.
 */
public final class SavedSnapshotFixture {
  static final long SEED = 2026;
  static final int BATCH = 8;
  static final int STEPS_BEFORE = 37;
  static final int STEPS_AFTER = 5;

  private SavedSnapshotFixture() {}

  static List<Domain> domains() {
    return List.of(new Domain("code", 400, 400 * 256), new Domain("prose", 900, 900 * 256),
        new Domain("legal", 12, 12 * 256));
  }

  static JsonNode spec() {
    return Json.parse("""
        {"policy": "piecewise", "config": {"interpolate": true, "segments": [
          {"startStep": 0, "weights": {"code": 1, "prose": 1, "legal": 1}},
          {"startStep": 30, "weights": {"code": 3, "prose": 1, "legal": 0}},
          {"startStep": 60, "weights": {"code": 0, "prose": 1, "legal": 2}}]}}
        """);
  }

  static DataMixer newMixer() {
    return new DataMixer(PolicyRegistry.load().create(PolicyContext.of(domains(), SEED), spec()),
        SamplerOptions.seed(SEED).withMaxRepetitionRatio(2));
  }

  static ArrayNode draws(DataMixer mixer, int fromStep, int steps) {
    ArrayNode out = Json.array();
    BlockBatch b = new BlockBatch(BATCH);
    for (int t = fromStep; t < fromStep + steps; t++) {
      mixer.drawBatch(t, BATCH, b);
      ArrayNode step = out.addArray();
      for (int i = 0; i < b.size(); i++) {
        step.addArray().add(b.domain(i)).add(b.block(i));
      }
    }
    return out;
  }

  /** Writes the snapshot and the expected next draws into {@code args[0]}. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    DataMixer mixer = newMixer();
    draws(mixer, 0, STEPS_BEFORE);
    Files.writeString(dir.resolve("datamix-state-v1.json"), Json.write(mixer.snapshot()));
    Files.writeString(dir.resolve("datamix-state-v1.next-draws.json"),
        Json.write(draws(mixer, STEPS_BEFORE, STEPS_AFTER)));
  }
}
