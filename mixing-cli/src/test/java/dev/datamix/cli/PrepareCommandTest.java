package dev.datamix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareCommandTest {
  @TempDir Path dir;

  @Test
  void demoCorpusIsWrittenAndReported() throws Exception {
    CliRun r = CliRun.of("prepare", "--demo", "--demo-bytes", "30000", "--block-length", "64",
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
    CliRun r = CliRun.of("prepare", "--domains-from", src.toString(), "--block-length", "2",
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
    CliRun none = CliRun.of("prepare", "--out", dir.toString());
    assertEquals(2, none.code());
    assertTrue(none.err().contains("exactly one of --domain (with or without --megatron), --domains-from or --demo"),
        none.err());
    CliRun bad = CliRun.of("prepare", "--domain", "nopath", "--out", dir.resolve("x").toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("'nopath'"), bad.err());
    CliRun tok = CliRun.of("prepare", "--domain", "a=" + dir, "--tokenizer", "missing.json",
        "--out", dir.resolve("y").toString());
    assertEquals(2, tok.code());
    assertTrue(tok.err().contains("missing.json"), tok.err());
  }

  @Test
  void missingSourceFailsWithOneAndAMessage() {
    CliRun r = CliRun.of("prepare", "--domain", "a=" + dir.resolve("absent"), "--out",
        dir.resolve("z").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("absent") && r.err().contains("does not exist"), r.err());
  }
}
