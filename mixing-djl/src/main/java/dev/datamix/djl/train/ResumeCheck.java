package dev.datamix.djl.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.policy.Horizon;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.random.Seeds;
import dev.datamix.run.ResumeChange;
import dev.datamix.schedule.LearningRateSchedule;
import dev.datamix.state.IncompatibleStateException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a checkpoint may be resumed under the trainer's current settings: every trainer key
 * but the operational ones must match, and another number of {@code steps} is accepted only when
 * no step already taken would have run differently: the learning rate of every such step is
 * unchanged (compared through the checkpoint's digest of the rates taken) and the policy's
 * {@link Horizon} allows it. A refusal says why and what to do instead.
 */
final class ResumeCheck {
  /** Trainer keys that may differ on resume: they change nothing a step computes. */
  static final Set<String> MAY_DIFFER =
      Set.of("checkpointEvery", "logEvery", "device", "maxNonFiniteInARow");
  /** Trainer keys that may differ on resume when the policy may change (other weights). */
  static final Set<String> MAY_DIFFER_WITH_POLICY = Set.of("maxEpochs", "weightUnit");

  private ResumeCheck() {}

  /**
   * A digest of the learning rates of steps {@code [0, steps)}: equal digests mean, up to a
   * 64-bit hash collision, the same rates bit for bit.
   */
  static long digest(LearningRateSchedule schedule, long steps) {
    long h = 0x6c72646967657374L; // "lrdigest"
    for (long t = 0; t < steps; t++) {
      h = Seeds.hash(h, Double.doubleToLongBits(schedule.at(t)));
    }
    return h;
  }

  /**
   * Throws unless the checkpoint's trainer settings allow resuming under {@code now}.
   *
   * @param where names the checkpoint in messages
   * @param savedTrainer the checkpoint's trainer config (keys absent in old checkpoints take
   *     their defaults)
   * @param savedDigest the checkpoint's learning-rate digest, or null (format version 1)
   * @param taken the steps the checkpoint has taken
   * @param now the current settings
   * @param schedule the current learning-rate schedule
   * @param customSchedule whether {@code schedule} was given to the builder, not made from {@code
   *     now}
   * @param policy the current policy
   * @param changes what the caller allows to have changed
   */
  static void verify(String where, JsonNode savedTrainer, Long savedDigest, long taken,
      TrainingConfig now, LearningRateSchedule schedule, boolean customSchedule,
      MixingPolicy policy, Set<ResumeChange> changes) {
    ObjectNode saved = TrainingConfig.defaults().toJson();
    savedTrainer.fields().forEachRemaining(e -> saved.set(e.getKey(), e.getValue()));
    ObjectNode current = now.toJson();
    java.util.Set<String> keys = new java.util.TreeSet<>();
    current.fieldNames().forEachRemaining(keys::add);
    saved.fieldNames().forEachRemaining(keys::add);
    for (String key : keys) {
      boolean free = MAY_DIFFER.contains(key) || key.equals("steps")
          || changes.contains(ResumeChange.POLICY_CHANGED) && MAY_DIFFER_WITH_POLICY.contains(key)
          || changes.contains(ResumeChange.CORPUS_GROWN) && key.equals("trainDomains")
          && grew(saved.get(key), current.get(key));
      if (!free) {
        IncompatibleStateException.check(where + " trainer key '" + key + "'",
            current.has(key) ? current.get(key) : defaultOf(key),
            saved.has(key) ? saved.get(key) : defaultOf(key));
      }
    }
    long savedSteps = saved.get("steps").asLong();
    if (savedSteps == now.steps()) {
      if (savedDigest != null && savedDigest != digest(schedule, taken)) {
        throw new IncompatibleStateException(where + ": the learning-rate schedule gives other "
            + "rates than the checkpoint's for steps already taken (0 to " + (taken - 1) + ")");
      }
      return;
    }
    String change = "cannot change steps from " + savedSteps + " to " + now.steps()
        + " on resume";
    if (now.steps() < taken) {
      throw new IncompatibleStateException(change + ": " + where + " has already taken "
          + taken + " steps");
    }
    if (savedDigest == null) {
      throw new IncompatibleStateException(change + ": " + where + " is of format version 1, "
          + "which records no learning-rate digest; keep steps " + savedSteps);
    }
    if (savedDigest != digest(schedule, taken)) {
      throw new IncompatibleStateException(change + ": " + scheduleChange(saved, now, schedule,
          customSchedule, taken) + ". To train longer, use schedule 'constant', 'wsd' or "
          + "'infinite' (each can be extended until its decay starts), or start a new run from "
          + "this one's weights with its own warmup (train --init-from RUN; "
          + "MixingTrainerBuilder.optInitialWeights)");
    }
    Horizon h = policy.horizon();
    if (!h.extendable()) {
      throw new IncompatibleStateException(change + ": " + h.reason()
          + (h.keys().isEmpty() ? "" : " (keys " + h.keys() + ")"));
    }
  }

  /** The JSON a key takes at its default (absent from a config written without it). */
  private static JsonNode defaultOf(String key) {
    JsonNode n = TrainingConfig.defaults().toJson().get(key);
    return n != null ? n : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /** Whether a trainDomains list only gained names (an empty list means every domain). */
  private static boolean grew(JsonNode before, JsonNode after) {
    if (before == null || after == null || before.isEmpty() || after.isEmpty()) {
      return before != null && after != null && before.isEmpty() == after.isEmpty();
    }
    java.util.Set<String> now = new java.util.HashSet<>();
    after.forEach(n -> now.add(n.asText()));
    for (JsonNode n : before) {
      if (!now.contains(n.asText())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Throws unless the corpus only grew since the checkpoint: the same vocabulary and block
   * length, and every training domain of the checkpoint still there with at least its blocks.
   */
  static void verifyGrownCorpus(String where, JsonNode saved, JsonNode now) {
    IncompatibleStateException.check(where + " corpus vocabSize", now.get("vocabSize"),
        saved.get("vocabSize"));
    IncompatibleStateException.check(where + " corpus blockLength", now.get("blockLength"),
        saved.get("blockLength"));
    java.util.Map<String, Long> blocks = new java.util.HashMap<>();
    now.get("trainDomains").forEach(d -> blocks.put(d.get("name").asText(),
        d.get("blocks").asLong()));
    for (JsonNode d : saved.get("trainDomains")) {
      String name = d.get("name").asText();
      Long has = blocks.get(name);
      if (has == null || has < d.get("blocks").asLong()) {
        throw new IncompatibleStateException(where + ": training domain '" + name + "' had "
            + d.get("blocks").asLong() + " blocks and now has " + (has == null ? "none"
            : has) + "; a resumed run's corpus may gain data, never lose it");
      }
    }
  }

  private static String scheduleChange(ObjectNode saved, TrainingConfig now,
      LearningRateSchedule schedule, boolean customSchedule, long taken) {
    if (customSchedule) {
      return "the learning-rate schedule given to the trainer changes the rates of steps "
          + "already taken (0 to " + (taken - 1) + ")";
    }
    LearningRateSchedule before = TrainingConfig.fromJson(saved).learningRateSchedule();
    for (long t = 0; t < taken; t++) {
      double a = before.at(t);
      double b = schedule.at(t);
      if (Double.doubleToLongBits(a) != Double.doubleToLongBits(b)) {
        String why = now.schedule().equals("cosine")
            ? "the cosine decays to minLr at the last step, so every later rate changes too"
            : "its decay starts at a share of the steps, and this run had already reached it";
        return String.format(Locale.ROOT, "under schedule '%s' the learning rate of step %d, "
            + "already taken, would change from %.6g to %.6g (%s)", now.schedule(), t, a, b, why);
      }
    }
    return "the learning rates of steps already taken would change";
  }
}
