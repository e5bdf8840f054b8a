package dev.datamix.djl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeDeterminismTest {
  @Test
  void theScriptSettingsPassAndEachMissingOneIsNamedWithItsValue() {
    assertEquals(List.of(), NativeDeterminism.violations(NativeDeterminism.ENVIRONMENT));
    assertEquals(List.of(), NativeDeterminism.violations(
        Map.of("MKL_CBWR", "COMPATIBLE", "MKL_DYNAMIC", "false", "OMP_DYNAMIC", " FALSE")));
    assertEquals(List.of("MKL_CBWR is unset", "MKL_DYNAMIC is unset", "OMP_DYNAMIC is 'TRUE'"),
        NativeDeterminism.violations(Map.of("OMP_DYNAMIC", "TRUE")));
  }

  @Test
  void theBuildRunsItsTestsUnderTheSettings() {
    // Surefire's environmentVariables (pom.xml): the kill-and-resume suite depends on them
    assertEquals(List.of(), NativeDeterminism.violations(System.getenv()));
  }

  @Test
  void theScriptsExportTheSameSettings() throws IOException {
    String script = Files.readString(Path.of("..", "native-env.sh"));
    Matcher m = Pattern.compile("export (\\w+)=\"\\$\\{\\1:-([^}]*)}\"").matcher(script);
    Map<String, String> exported = new HashMap<>();
    while (m.find()) {
      exported.put(m.group(1), m.group(2));
    }
    assertEquals(NativeDeterminism.ENVIRONMENT, exported);
  }
}
