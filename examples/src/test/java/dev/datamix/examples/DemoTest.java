package dev.datamix.examples;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoTest {
  @Test
  void demoPrintsOneRowPerPolicy() {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      Demo.main(new String[] {"--steps=40", "--batch=8"});
    } finally {
      System.setOut(original);
    }
    String out = buffer.toString(StandardCharsets.UTF_8);
    for (String p : new String[] {"uniform", "proportional", "temperature", "piecewise"}) {
      assertTrue(out.contains("\n" + p + " "), "row for " + p + " in\n" + out);
    }
    assertTrue(out.contains("Mixture{"), out);
  }

  @Test
  void everyPolicyLowersEveryDomainsLoss() {
    for (Demo.Row row : Demo.run(60, 8, 2)) {
      for (int d = 0; d < row.heldOutLoss().length; d++) {
        assertTrue(row.heldOutLoss()[d] < row.initialLoss()[d],
            row.policy() + " domain " + d + ": " + row.initialLoss()[d] + " -> "
                + row.heldOutLoss()[d]);
      }
    }
  }

  @Test
  void unknownOptionFailsNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Demo.main(new String[] {"--stpes=4"}));
    assertTrue(e.getMessage().contains("'--stpes'"), e.getMessage());
  }
}
