package dev.datamix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareCommandTest {
  @TempDir Path dir;

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      int code = Datamix.run(args);
      return new Result(code, o.toString(StandardCharsets.UTF_8),
          e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void demoCorpusIsWrittenAndReported() throws Exception {
    Result r = run("prepare", "--demo", "--demo-bytes", "30000", "--block-length", "64",
        "--out", dir.resolve("demo").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("target_mix") && r.out().contains("uint16"), r.out());
    try (Corpus c = Corpus.open(dir.resolve("demo"))) {
      assertEquals(6, c.domainNames().size());
    }
  }

  @Test
  void domainsFromADirectoryKeepTheirSplits() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(src.resolve("mail.train.txt"), "hi\n<|endoftext|>\nyo\n");
    Files.writeString(src.resolve("mail.val.txt"), "val doc\n");
    Files.writeString(src.resolve("law.train.txt"), "article one\n");
    Result r = run("prepare", "--domains-from", src.toString(), "--block-length", "2",
        "--quiet", "--out", dir.resolve("c").toString());
    assertEquals(0, r.code(), r.err());
    try (Corpus c = Corpus.open(dir.resolve("c"))) {
      assertEquals(java.util.List.of("law", "mail"), c.domainNames());
      assertEquals(2, c.manifest().domain("mail").split(Split.TRAIN).documents());
      assertEquals(1, c.manifest().domain("mail").split(Split.VALIDATION).documents());
    }
  }

  @Test
  void badUsageExitsWithTwoAndNamesTheProblem() {
    Result none = run("prepare", "--out", dir.toString());
    assertEquals(2, none.code());
    assertTrue(none.err().contains("exactly one of --domain, --domains-from or --demo"),
        none.err());
    Result bad = run("prepare", "--domain", "nopath", "--out", dir.resolve("x").toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("'nopath'"), bad.err());
    Result tok = run("prepare", "--domain", "a=" + dir, "--tokenizer", "missing.json",
        "--out", dir.resolve("y").toString());
    assertEquals(2, tok.code());
    assertTrue(tok.err().contains("missing.json"), tok.err());
  }

  @Test
  void missingSourceFailsWithOneAndAMessage() {
    Result r = run("prepare", "--domain", "a=" + dir.resolve("absent"), "--out",
        dir.resolve("z").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("absent") && r.err().contains("does not exist"), r.err());
  }
}
