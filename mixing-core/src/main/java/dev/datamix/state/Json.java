package dev.datamix.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The one JSON setup datamix uses for configs and state (Jackson). Doubles are written so that
 * they read back bit-for-bit, which exact resume relies on.
 */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  /** The shared mapper. Do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** A new empty object node. */
  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** A new empty array node. */
  public static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  /**
   * Parses JSON text.
   *
   * @throws IllegalArgumentException naming the problem if the text is not valid JSON
   */
  public static JsonNode parse(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new IllegalArgumentException("JSON text is empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Converts a map of plain Java values (numbers, strings, booleans, maps, lists) to JSON. */
  public static JsonNode fromMap(Map<String, ?> map) {
    return MAPPER.valueToTree(map);
  }

  /** Pretty-printed JSON text. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads JSON from a file. */
  public static JsonNode read(java.nio.file.Path file) throws IOException {
    try {
      return MAPPER.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new IncompatibleStateException(
          "file " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A JSON array of doubles. */
  public static ArrayNode doubles(double[] values) {
    ArrayNode a = array();
    for (double v : values) {
      a.add(v);
    }
    return a;
  }

  /** A JSON array of doubles with {@code null} for each {@code NaN} ("not measured"). */
  public static ArrayNode doublesOrNull(double[] values) {
    ArrayNode a = array();
    for (double v : values) {
      if (Double.isNaN(v)) {
        a.addNull();
      } else {
        a.add(v);
      }
    }
    return a;
  }

  /** A JSON array of longs. */
  public static ArrayNode longs(long[] values) {
    ArrayNode a = array();
    for (long v : values) {
      a.add(v);
    }
    return a;
  }
}
