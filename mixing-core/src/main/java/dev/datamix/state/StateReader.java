package dev.datamix.state;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads required fields of a saved state; a missing or ill-typed field raises an
 * {@link IncompatibleStateException} naming the field's path, never a {@code NullPointerException}.
 */
public final class StateReader {
  private final JsonNode node;
  private final String path;

  private StateReader(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** A reader of the object {@code node}; {@code path} names it in messages. */
  public static StateReader of(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new IncompatibleStateException(
          "state field '" + path + "' must be an object, found " + describe(node));
    }
    return new StateReader(node, path);
  }

  /** The underlying node. */
  public JsonNode node() {
    return node;
  }

  /** A required nested object. */
  public StateReader object(String field) {
    return of(node.get(field), path + "." + field);
  }

  /** A required field of any type. */
  public JsonNode field(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new IncompatibleStateException("state field '" + path + "." + field + "' is missing");
    }
    return v;
  }

  /** A required integer field. */
  public long getLong(String field) {
    JsonNode v = field(field);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IncompatibleStateException(
          "state field '" + path + "." + field + "' must be an integer, found " + describe(v));
    }
    return v.longValue();
  }

  /** A required int field. */
  public int getInt(String field) {
    long v = getLong(field);
    if (v != (int) v) {
      throw new IncompatibleStateException(
          "state field '" + path + "." + field + "' must fit an int, found " + v);
    }
    return (int) v;
  }

  /** A required number field. */
  public double getDouble(String field) {
    JsonNode v = field(field);
    if (!v.isNumber()) {
      throw new IncompatibleStateException(
          "state field '" + path + "." + field + "' must be a number, found " + describe(v));
    }
    return v.doubleValue();
  }

  /** A required string field. */
  public String getString(String field) {
    JsonNode v = field(field);
    if (!v.isTextual()) {
      throw new IncompatibleStateException(
          "state field '" + path + "." + field + "' must be a string, found " + describe(v));
    }
    return v.textValue();
  }

  /** A required boolean field. */
  public boolean getBoolean(String field) {
    JsonNode v = field(field);
    if (!v.isBoolean()) {
      throw new IncompatibleStateException(
          "state field '" + path + "." + field + "' must be a boolean, found " + describe(v));
    }
    return v.booleanValue();
  }

  /** A required array of numbers of exactly {@code length} entries. */
  public double[] getDoubles(String field, int length) {
    JsonNode v = array(field, length);
    double[] out = new double[length];
    for (int i = 0; i < length; i++) {
      JsonNode e = v.get(i);
      if (!e.isNumber()) {
        throw new IncompatibleStateException("state field '" + path + "." + field + "[" + i
            + "]' must be a number, found " + describe(e));
      }
      out[i] = e.doubleValue();
    }
    return out;
  }

  /**
   * A required array of exactly {@code length} numbers or {@code null}s, read as {@code NaN}
   * (what {@link Json#doublesOrNull} writes).
   */
  public double[] getDoublesOrNaN(String field, int length) {
    JsonNode v = array(field, length);
    double[] out = new double[length];
    for (int i = 0; i < length; i++) {
      JsonNode e = v.get(i);
      if (!e.isNumber() && !e.isNull()) {
        throw new IncompatibleStateException("state field '" + path + "." + field + "[" + i
            + "]' must be a number or null, found " + describe(e));
      }
      out[i] = e.isNull() ? Double.NaN : e.doubleValue();
    }
    return out;
  }

  /** A required array of integers of exactly {@code length} entries. */
  public long[] getLongs(String field, int length) {
    JsonNode v = array(field, length);
    long[] out = new long[length];
    for (int i = 0; i < length; i++) {
      JsonNode e = v.get(i);
      if (!e.isIntegralNumber() || !e.canConvertToLong()) {
        throw new IncompatibleStateException("state field '" + path + "." + field + "[" + i
            + "]' must be an integer, found " + describe(e));
      }
      out[i] = e.longValue();
    }
    return out;
  }

  private JsonNode array(String field, int length) {
    JsonNode v = field(field);
    if (!v.isArray()) {
      throw new IncompatibleStateException(
          "state field '" + path + "." + field + "' must be an array, found " + describe(v));
    }
    if (v.size() != length) {
      throw new IncompatibleStateException("state field '" + path + "." + field
          + "' length expected " + length + " but found " + v.size());
    }
    return v;
  }

  private static String describe(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    String text = v.toString();
    return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " "
        + (text.length() > 60 ? text.substring(0, 60) + "..." : text);
  }
}
