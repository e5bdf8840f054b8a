package dev.datamix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Domain;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.sampler.SamplerOptions;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataMixerStateTest {

  private static JsonNode resource(String name) throws IOException {
    try (InputStream in = DataMixerStateTest.class.getResourceAsStream("/snapshots/" + name)) {
      return Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void committedVersion1SnapshotLoadsAndContinuesWithTheRecordedDraws() throws IOException {
    DataMixer mixer = SavedSnapshotFixture.newMixer();
    mixer.restore(resource("datamix-state-v1.json"));
    JsonNode expected = resource("datamix-state-v1.next-draws.json");
    assertEquals(Json.write(expected), Json.write(SavedSnapshotFixture.draws(mixer,
        SavedSnapshotFixture.STEPS_BEFORE, SavedSnapshotFixture.STEPS_AFTER)));
  }

  @Test
  void snapshotCarriesFormatPolicyConfigDomainsAndCounters() {
    DataMixer mixer = SavedSnapshotFixture.newMixer();
    SavedSnapshotFixture.draws(mixer, 0, 3);
    JsonNode s = mixer.snapshot();
    assertEquals("datamix-state", s.get("format").asText());
    assertEquals(1, s.get("formatVersion").asInt());
    assertEquals("piecewise", s.get("policy").get("policy").asText());
    assertTrue(s.get("policy").get("config").has("segments"));
    assertEquals("[\"code\",\"prose\",\"legal\"]", s.get("sampler").get("domains").toString());
    assertEquals(24, sum(s.get("sampler").get("served")));
  }

  private static long sum(JsonNode array) {
    long total = 0;
    for (JsonNode n : array) {
      total += n.asLong();
    }
    return total;
  }

  @Test
  void newerFormatIsRejectedNamingBothVersions() throws IOException {
    ObjectNode s = (ObjectNode) resource("datamix-state-v1.json");
    s.put("formatVersion", 2);
    IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
        () -> SavedSnapshotFixture.newMixer().restore(s));
    assertTrue(e.getMessage().contains("expected <= 1 but found 2"), e.getMessage());
  }

  @Test
  void otherPolicyIsRejectedNamingBoth() throws IOException {
    JsonNode s = resource("datamix-state-v1.json");
    DataMixer uniform = new DataMixer(PolicyRegistry.load().create("uniform",
        PolicyContext.of(SavedSnapshotFixture.domains(), SavedSnapshotFixture.SEED), Map.of()),
        SamplerOptions.seed(SavedSnapshotFixture.SEED).withMaxRepetitionRatio(2));
    IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
        () -> uniform.restore(s));
    assertEquals("incompatible state: policy name expected uniform but found piecewise",
        e.getMessage());
  }

  @Test
  void otherDomainsAreRejectedNamingBoth() throws IOException {
    JsonNode s = resource("datamix-state-v1.json");
    List<Domain> other = List.of(new Domain("code", 400, 400 * 256),
        new Domain("prose", 900, 900 * 256), new Domain("german", 12, 12 * 256));
    DataMixer m = new DataMixer(PolicyRegistry.load().create("uniform",
        PolicyContext.of(other, 1), Map.of()), SamplerOptions.seed(1));
    IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
        () -> m.restore(s));
    assertTrue(e.getMessage().contains("[code, prose, german]")
        && e.getMessage().contains("[code, prose, legal]"), e.getMessage());
  }

  @Test
  void otherConfigIsRejected() throws IOException {
    ObjectNode s = (ObjectNode) resource("datamix-state-v1.json");
    ((ObjectNode) s.get("policy").get("config")).put("interpolate", false);
    IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
        () -> SavedSnapshotFixture.newMixer().restore(s));
    assertTrue(e.getMessage().contains("config of policy 'piecewise'"), e.getMessage());
  }

  @Test
  void wrongFormatAndCorruptFilesAreRejected(@TempDir Path dir) throws IOException {
    IncompatibleStateException format = assertThrows(IncompatibleStateException.class,
        () -> SavedSnapshotFixture.newMixer().restore(Json.parse("{\"format\": \"other\"}")));
    assertTrue(format.getMessage().contains("expected datamix-state but found other"));
    Path corrupt = dir.resolve("state.json");
    Files.writeString(corrupt, "{\"format\": \"datamix-state\", \"formatVer");
    IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
        () -> SavedSnapshotFixture.newMixer().load(corrupt));
    assertTrue(e.getMessage().contains(corrupt.toString()), e.getMessage());
  }

  @Test
  void failedRestoreLeavesTheMixerUsable() throws IOException {
    ObjectNode s = (ObjectNode) resource("datamix-state-v1.json");
    ((ObjectNode) s.get("sampler")).putArray("cursor").add(1);
    DataMixer m = SavedSnapshotFixture.newMixer();
    assertThrows(IncompatibleStateException.class, () -> m.restore(s));
    DataMixer fresh = SavedSnapshotFixture.newMixer();
    assertEquals(SavedSnapshotFixture.draws(fresh, 0, 4), SavedSnapshotFixture.draws(m, 0, 4));
  }

  @Test
  void saveIsAtomicAndLoadRoundTrips(@TempDir Path dir) throws IOException {
    DataMixer m = SavedSnapshotFixture.newMixer();
    SavedSnapshotFixture.draws(m, 0, 10);
    Path file = dir.resolve("ckpt").resolve("mixer.json");
    m.save(file);
    m.save(file); // overwrite in place
    try (var listing = Files.list(file.getParent())) {
      assertEquals(List.of(file), listing.toList(), "no temporary file is left behind");
    }
    DataMixer restored = SavedSnapshotFixture.newMixer();
    restored.load(file);
    assertEquals(SavedSnapshotFixture.draws(m, 10, 5), SavedSnapshotFixture.draws(restored, 10, 5));
  }
}
