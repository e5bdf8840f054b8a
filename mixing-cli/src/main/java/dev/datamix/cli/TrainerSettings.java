package dev.datamix.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The trainer options every training command takes: {@code --config FILE} and {@code --set}; a
 * picocli mixin, also of {@code datamix-spark}'s commands.
 */
public final class TrainerSettings {
  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", description = "trainer settings: a JSON file of TrainingConfig "
      + "keys (docs/trainer.md lists every key with its default)")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=JSON", description = "override one trainer key, "
      + "for example --set steps=200 --set device=cpu; repeatable")
  List<String> overrides = new ArrayList<>();

  /** The settings as JSON (the file, then the overrides in order). */
  ObjectNode json() throws IOException {
    JsonNode base = config == null ? Json.object() : Json.read(config);
    if (!base.isObject()) {
      throw new IllegalArgumentException("--config " + config + " must hold a JSON object, got "
          + base.getNodeType());
    }
    ObjectNode cfg = (ObjectNode) base;
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--set must be KEY=JSON, got '" + o + "'");
      }
      String value = o.substring(eq + 1);
      JsonNode v;
      try {
        v = Json.parse(value);
      } catch (IllegalArgumentException e) {
        v = Json.mapper().valueToTree(value);
      }
      cfg.set(o.substring(0, eq), v);
    }
    return cfg;
  }

  /** The validated trainer config. */
  public TrainingConfig trainingConfig() throws IOException {
    return TrainingConfig.fromJson(json());
  }
}
