package dev.datamix.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.Objects;
import java.util.function.DoublePredicate;
import java.util.function.Function;
import java.util.function.LongPredicate;

/**
 * One typed, documented configuration key of a policy: its name, JSON type, default (or none if
 * required), a one-line description, and how to read and write its value.
 *
 * @param <T> the Java type of the value
 */
public final class ConfigKey<T> {
  private final String name;
  private final String type;
  private final T defaultValue;
  private final String description;
  private final Function<JsonNode, T> reader;
  private final Function<T, JsonNode> writer;

  private ConfigKey(String name, String type, T defaultValue, String description,
      Function<JsonNode, T> reader, Function<T, JsonNode> writer) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("config key name must be non-blank, got '" + name + "'");
    }
    this.name = name;
    this.type = Objects.requireNonNull(type, "type");
    this.defaultValue = defaultValue;
    this.description = Objects.requireNonNull(description, "description");
    this.reader = Objects.requireNonNull(reader, "reader");
    this.writer = Objects.requireNonNull(writer, "writer");
  }

  /**
   * A number key.
   *
   * @param defaultValue the default, or {@code null} if the key is required
   * @param valid which values are allowed
   * @param validText the allowed values in words, for example {@code "> 0"}
   */
  public static ConfigKey<Double> number(String name, Double defaultValue, String description,
      DoublePredicate valid, String validText) {
    String type = "number " + validText;
    return new ConfigKey<>(name, type, defaultValue, description, node -> {
      if (!node.isNumber()) {
        throw new IllegalArgumentException("must be a " + type);
      }
      double v = node.doubleValue();
      if (!Double.isFinite(v) || !valid.test(v)) {
        throw new IllegalArgumentException("must be a " + type);
      }
      return v;
    }, DoubleNode::valueOf);
  }

  /** An integer key; see {@link #number}. */
  public static ConfigKey<Long> integer(String name, Long defaultValue, String description,
      LongPredicate valid, String validText) {
    String type = "integer " + validText;
    return new ConfigKey<>(name, type, defaultValue, description, node -> {
      if (!node.isIntegralNumber() || !node.canConvertToLong() || !valid.test(node.longValue())) {
        throw new IllegalArgumentException("must be an " + type);
      }
      return node.longValue();
    }, LongNode::valueOf);
  }

  /** A boolean key. */
  public static ConfigKey<Boolean> bool(String name, Boolean defaultValue, String description) {
    return new ConfigKey<>(name, "boolean", defaultValue, description, node -> {
      if (!node.isBoolean()) {
        throw new IllegalArgumentException("must be a boolean");
      }
      return node.booleanValue();
    }, BooleanNode::valueOf);
  }

  /** A string key restricted to {@code allowed} values. */
  public static ConfigKey<String> choice(String name, String defaultValue, String description,
      String... allowed) {
    List<String> options = List.of(allowed);
    String type = "one of " + options;
    return new ConfigKey<>(name, type, defaultValue, description, node -> {
      if (!node.isTextual() || !options.contains(node.textValue())) {
        throw new IllegalArgumentException("must be " + type);
      }
      return node.textValue();
    }, TextNode::valueOf);
  }

  /**
   * A key of any structure.
   *
   * @param type the expected JSON shape in words, for error messages and documentation
   * @param reader reads a value, throwing {@link IllegalArgumentException} with what was expected
   * @param writer writes the value back as canonical JSON
   */
  public static <T> ConfigKey<T> custom(String name, String type, T defaultValue,
      String description, Function<JsonNode, T> reader, Function<T, JsonNode> writer) {
    return new ConfigKey<>(name, type, defaultValue, description, reader, writer);
  }

  /** The key's name in JSON. */
  public String name() {
    return name;
  }

  /** The expected JSON type and range, in words. */
  public String type() {
    return type;
  }

  /** Whether the key must be given (it has no default). */
  public boolean required() {
    return defaultValue == null;
  }

  /** The default value, or {@code null} if the key is required. */
  public T defaultValue() {
    return defaultValue;
  }

  /** One-line description. */
  public String description() {
    return description;
  }

  T read(JsonNode node) {
    return reader.apply(node);
  }

  /** The canonical JSON of {@code value}. */
  public JsonNode write(T value) {
    return writer.apply(value);
  }

  @Override
  public String toString() {
    return name + " (" + type + (required() ? ", required" : ", default " + write(defaultValue))
        + "): " + description;
  }
}
