package dev.datamix.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.datamix.state.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden outputs: files committed under a module's {@code src/test/resources/golden/} that a test
 * must reproduce byte for byte. With {@code -Ddatamix.regenerate=true} the test writes them
 * instead; do that only for an intended change of behaviour, and say why in the commit.
 */
public final class GoldenFiles {
  /** The golden directory of the module whose tests run (the working directory). */
  public static final Path DIRECTORY = Path.of("src", "test", "resources", "golden");

  private GoldenFiles() {}

  /** Asserts that {@code actual} equals the golden file {@code name} (or rewrites it). */
  public static void compare(String name, String actual) throws IOException {
    Path file = DIRECTORY.resolve(name);
    if (Boolean.getBoolean("datamix.regenerate")) {
      AtomicFiles.writeString(file, actual);
    }
    assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual, "golden " + file);
  }
}
