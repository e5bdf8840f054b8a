package dev.datamix.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.state.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulesTest {
  private static JsonNode reference() throws IOException {
    try (InputStream in = SchedulesTest.class.getResourceAsStream(
        "/schedule/reference_schedules.json")) {
      return Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static void matches(JsonNode expected, LearningRateSchedule s) {
    for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>)
        expected::fields) {
      long step = Long.parseLong(e.getKey());
      double want = e.getValue().asDouble();
      assertEquals(want, s.at(step), 1e-12 * Math.max(1e-4, want), "step " + step);
    }
  }

  @Test
  void rewarmAndRedecayAtEverySwitchMatchTheReference() throws IOException {
    matches(reference().get("rewarmRedecay"),
        Schedules.rewarmRedecay(new long[] {0, 1000, 2500}, 4000, 3e-4, 0.01, 3e-5));
  }

  @Test
  void infiniteSchedulesMatchTheReference() throws IOException {
    JsonNode r = reference();
    matches(r.get("infiniteInvSqrtExp"), Schedules.infinite(3e-4, 1.65e-4, 3e-5, 100, 400,
        Schedules.Cooldown.INVERSE_SQRT, 8.0, 2000, 500, Schedules.Anneal.EXPONENTIAL));
    matches(r.get("infiniteCosineLinearNoAnneal"), Schedules.infinite(3e-4, 1.65e-4, 3e-5, 100,
        400, Schedules.Cooldown.COSINE, 0, -1, 0, Schedules.Anneal.LINEAR));
    matches(r.get("infiniteCosineLinear"), Schedules.infinite(3e-4, 1.65e-4, 3e-5, 100, 400,
        Schedules.Cooldown.COSINE, 0, 2000, 500, Schedules.Anneal.LINEAR));
  }

  @Test
  void warmupStableDecayMatchesTheReference() throws IOException {
    matches(reference().get("wsdLinear"), Schedules.wsd(1e-3, 1e-4, 50, 800, 200, false));
  }

  @Test
  void theInfiniteScheduleHoldsItsConstantAcrossSwitchesUntilTheAnneal() {
    LearningRateSchedule s = Schedules.infinite(3e-4, 1.65e-4, 3e-5, 100, 400,
        Schedules.Cooldown.INVERSE_SQRT, 8.0, -1, 0, Schedules.Anneal.EXPONENTIAL);
    for (long t = 500; t < 100_000; t += 997) {
      assertEquals(1.65e-4, s.at(t), 0.0);
    }
    assertTrue(s.at(99) == 3e-4 && s.at(0) > 0);
  }

  @Test
  void badArgumentsAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Schedules.infinite(1e-4, 2e-4, 0, 10, 10, Schedules.Cooldown.COSINE, 0, -1, 0,
            Schedules.Anneal.LINEAR));
    assertTrue(e.getMessage().contains("min <= constant <= peak"), e.getMessage());
    IllegalArgumentException anneal = assertThrows(IllegalArgumentException.class,
        () -> Schedules.infinite(3e-4, 1e-4, 0, 10, 10, Schedules.Cooldown.COSINE, 0, 15, 5,
            Schedules.Anneal.LINEAR));
    assertTrue(anneal.getMessage().contains("annealStart"), anneal.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Schedules.rewarmRedecay(new long[] {0, 10}, 10, 1e-3, 0.01, 1e-4));
    assertThrows(IllegalArgumentException.class, () -> Schedules.sequence(java.util.List.of(
        new Schedules.Segment(5, LearningRateSchedule.constant(1)))));
  }
}
