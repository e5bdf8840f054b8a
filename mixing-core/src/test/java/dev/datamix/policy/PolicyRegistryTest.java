package dev.datamix.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.mixture.Domain;
import dev.datamix.state.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyRegistryTest {
  private static final PolicyContext CONTEXT = PolicyContext.of(
      List.of(new Domain("code", 10, 100), new Domain("prose", 30, 300)), 0);

  @Test
  void serviceLoaderFindsTheBuiltInPolicies() {
    assertTrue(PolicyRegistry.load().names().containsAll(
        List.of("explicit", "piecewise", "proportional", "temperature", "uniform")),
        PolicyRegistry.load().names().toString());
  }

  @Test
  void unknownNameFailsListingKnownNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PolicyRegistry.load().create("velocitoon", CONTEXT, Map.of()));
    assertTrue(e.getMessage().contains("'velocitoon'") && e.getMessage().contains("uniform"),
        e.getMessage());
  }

  @Test
  void unknownConfigKeyFailsNamingItAndTheKnownKeys() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PolicyRegistry.load().create("temperature", CONTEXT,
            Map.of("temperature", 2, "tempreature", 3)));
    assertTrue(e.getMessage().contains("'tempreature'")
        && e.getMessage().contains("[temperature, unit]"), e.getMessage());
  }

  @Test
  void illTypedConfigKeyFailsNamingKeyAndValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PolicyRegistry.load().create("proportional", CONTEXT, Map.of("unit", "bytes")));
    assertTrue(e.getMessage().contains("'unit'") && e.getMessage().contains("\"bytes\""),
        e.getMessage());
  }

  @Test
  void createsFromAJsonSpec() {
    MixingPolicy p = PolicyRegistry.load().create(CONTEXT,
        Json.parse("{\"policy\": \"temperature\", \"config\": {\"temperature\": 1}}"));
    assertEquals("temperature", p.name());
    assertEquals(0.75, p.mixture(0).weight("prose"), 1e-15);
  }

  @Test
  void jsonSpecWithUnknownTopLevelKeyFails() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PolicyRegistry.load().create(CONTEXT,
            Json.parse("{\"policy\": \"uniform\", \"cfg\": {}}")));
    assertTrue(e.getMessage().contains("'cfg'"), e.getMessage());
  }

  @Test
  void everyProviderDocumentsItsKeys() {
    for (MixingPolicyProvider p : PolicyRegistry.load().providers()) {
      assertTrue(!p.description().isBlank(), p.name());
      p.configSchema().keys().forEach(k -> assertTrue(!k.description().isBlank(), k.name()));
    }
  }

  @Test
  void configEqualityIsByValueAfterDefaults() {
    var schema = PolicyRegistry.load().provider("temperature").configSchema();
    assertEquals(schema.parse(Map.of("temperature", 2)),
        schema.parse(Json.parse("{\"temperature\": 2.0, \"unit\": \"tokens\"}")));
  }
}
