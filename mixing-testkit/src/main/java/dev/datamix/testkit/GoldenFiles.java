package dev.datamix.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Golden outputs: files committed under a module's {@code src/test/resources/golden/} that a test
 * must reproduce byte for byte. With {@code -Ddatamix.regenerate=true} the test writes them
 * instead; do that only for an intended change of behaviour, and say why in the commit.
 */
public final class GoldenFiles {
  /** The golden directory of the module whose tests run (the working directory). */
  public static final Path DIRECTORY = Path.of("src", "test", "resources", "golden");

  private static final Pattern NUMBER = Pattern.compile("-?\\d[\\d,]*(\\.\\d+)?([eE]-?\\d+)?");

  private GoldenFiles() {}

  /** Asserts that {@code actual} equals the golden file {@code name} (or rewrites it). */
  public static void compare(String name, String actual) throws IOException {
    Path file = regenerated(name, actual);
    assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual, "golden " + file);
  }

  /**
   * Asserts that the JSON lines {@code actual} match the golden file {@code name}: the same lines,
   * keys in the same order, strings, booleans and integers, and every fractional number within
   * {@code relative} of the golden one. A model's losses follow the machine's float arithmetic
   * (PyTorch's CPU kernels sum in another order on another CPU: 2e-7 apart between two x86
   * machines over a 40-step run), so a bit-exact golden would pin the machine, not the behaviour;
   * a changed draw, key or update rule still moves a value by far more than {@code relative}.
   */
  public static void compareJsonLines(String name, List<String> actual, double relative)
      throws IOException {
    Path file = regenerated(name, String.join("\n", actual) + "\n");
    List<String> golden = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(golden.size(), actual.size(), "lines of golden " + file);
    for (int i = 0; i < golden.size(); i++) {
      String where = "golden " + file + " line " + (i + 1);
      match(Json.parse(golden.get(i)), Json.parse(actual.get(i)), relative, where);
    }
  }

  /**
   * Asserts that the text {@code actual} matches the golden file {@code name} with its numbers
   * within {@code relative} of the golden ones and everything else, the layout included, byte for
   * byte: for printed losses, whose last digit follows the machine's float arithmetic (see
   * {@link #compareJsonLines}).
   */
  public static void compareNumbersWithin(String name, String actual, double relative)
      throws IOException {
    Path file = regenerated(name, actual);
    String golden = Files.readString(file, StandardCharsets.UTF_8);
    String where = "golden " + file;
    assertEquals(NUMBER.matcher(golden).replaceAll("#"), NUMBER.matcher(actual).replaceAll("#"),
        where + ", numbers aside");
    Matcher want = NUMBER.matcher(golden);
    Matcher got = NUMBER.matcher(actual);
    while (want.find() && got.find()) {
      assertWithin(Double.parseDouble(want.group().replace(",", "")),
          Double.parseDouble(got.group().replace(",", "")), relative, where);
    }
  }

  private static Path regenerated(String name, String actual) throws IOException {
    Path file = DIRECTORY.resolve(name);
    if (Boolean.getBoolean("datamix.regenerate")) {
      AtomicFiles.writeString(file, actual);
    }
    return file;
  }

  private static void match(JsonNode want, JsonNode got, double relative, String where) {
    if (want.isFloatingPointNumber() && got.isNumber()) {
      assertWithin(want.doubleValue(), got.doubleValue(), relative, where);
    } else if (want.isObject() || want.isArray()) {
      assertEquals(want.getNodeType(), got.getNodeType(), where);
      List<String> keys = fieldNames(want);
      assertEquals(keys, fieldNames(got), where + ": keys");
      assertEquals(want.size(), got.size(), where + ": size");
      for (int i = 0; i < want.size(); i++) {
        String key = want.isObject() ? keys.get(i) : null;
        JsonNode w = key == null ? want.get(i) : want.get(key);
        JsonNode g = key == null ? got.get(i) : got.get(key);
        match(w, g, relative, where + (key == null ? "[" + i + "]" : "." + key));
      }
    } else {
      assertEquals(want, got, where);
    }
  }

  /** {@code got} within {@code relative} of {@code want}, relative to the larger of the two. */
  private static void assertWithin(double want, double got, double relative, String where) {
    assertTrue(want == got
        || Math.abs(want - got) <= relative * Math.max(Math.abs(want), Math.abs(got)),
        where + ": " + got + " is not within " + relative + " of " + want);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
