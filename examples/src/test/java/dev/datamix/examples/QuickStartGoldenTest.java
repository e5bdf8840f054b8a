package dev.datamix.examples;

import dev.datamix.examples.quickstart.QuickStart;
import dev.datamix.testkit.Console;
import dev.datamix.testkit.GoldenFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick-start example prints the losses it printed before the code was restructured
 * ({@code src/test/resources/golden/quick-start.txt}), the text exact and each printed loss
 * within 2·10^-4 of its golden value: the fourth decimal follows the machine's float arithmetic
 * (see {@code GoldenFiles}).
 */
class QuickStartGoldenTest {
  @TempDir Path tmp;

  @Test
  void theQuickStartAtItsDefaultSizePrintsTheSameLosses() throws Exception {
    Path work = tmp.resolve("quick-start");
    Console.Captured<Void> c = Console.capture(() -> {
      QuickStart.main(new String[] {"--work=" + work});
      return null;
    });
    GoldenFiles.compareNumbersWithin("quick-start.txt",
        c.out().replace(work.toString(), "$WORK"), 2e-4);
  }
}
