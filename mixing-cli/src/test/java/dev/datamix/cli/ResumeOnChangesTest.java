package dev.datamix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resuming after the data or the weights changed, from the command line: refused unless told,
 * then continued with the accounting ({@code datamix audit}) showing what was served.
 */
class ResumeOnChangesTest {
  @TempDir Path dir;

  /** Writes {@code n} demo documents of {@code domain} into {@code src/<domain>.<split>.txt}. */
  private void write(Path src, String domain, String split, int from, int n, boolean append)
      throws IOException {
    StringBuilder s = new StringBuilder();
    for (int i = from; i < from + n; i++) {
      s.append(DemoCorpus.document(domain, split.hashCode(), i)).append("\n<|endoftext|>\n");
    }
    Files.createDirectories(src);
    Files.writeString(src.resolve(domain + "." + split + ".txt"), s.toString(),
        StandardOpenOption.CREATE, append ? StandardOpenOption.APPEND
            : StandardOpenOption.TRUNCATE_EXISTING);
  }

  /** Sources of template and code: 40 training documents each, 6 in each held-out split. */
  private Path twoDomains() throws IOException {
    Path src = dir.resolve("src");
    for (String d : List.of("template", "code")) {
      for (String split : List.of("train", "val", "test")) {
        write(src, d, split, 0, split.equals("train") ? 40 : 6, false);
      }
    }
    return src;
  }

  private Path prepare(Path src, String name) {
    CliRun r = CliRun.of("prepare", "--domains-from", src.toString(), "--out",
        dir.resolve(name).toString(), "--block-length", "16", "--quiet");
    assertEquals(0, r.code(), r.err());
    return dir.resolve(name);
  }

  private static String[] train(Path corpus, Path run, String policy, long steps,
      String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--corpus", corpus.toString(), "--policy",
        policy, "--run", run.toString(), "--quiet", "--set", "layers=1", "--set", "dModel=16",
        "--set", "heads=2", "--set", "batchSize=8", "--set", "warmupSteps=1", "--set",
        "evalBlocksPerDomain=2", "--set", "schedule=constant", "--set", "steps=" + steps,
        "--set", "logEvery=2"));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void aGrownCorpusResumesOnlyWhenToldAndTheAuditShowsTheNewDomain() throws IOException {
    Path src = twoDomains();
    Path before = prepare(src, "before");
    Path run = dir.resolve("run");
    CliRun r = CliRun.of(train(before, run, "uniform", 6));
    assertEquals(0, r.code(), r.err());

    write(src, "code", "train", 40, 20, true); // appended data
    for (String split : List.of("train", "val", "test")) {
      write(src, "arith", split, 0, split.equals("train") ? 30 : 6, false); // a new domain
    }
    Path after = prepare(src, "after");
    CliRun refused = CliRun.of(train(after, run, "uniform", 12, "--resume"));
    assertEquals(1, refused.code());
    assertTrue(refused.err().contains("checkpoint corpus")
        && refused.err().contains("--allow-corpus-growth"), refused.err());

    CliRun resumed = CliRun.of(train(after, run, "uniform", 12, "--resume",
        "--allow-corpus-growth"));
    assertEquals(0, resumed.code(), resumed.err());
    CliRun audit = CliRun.of("audit", run.toString());
    assertEquals(0, audit.code(), audit.err());
    assertTrue(audit.out().contains("policy uniform, step 12") && audit.out().contains("arith")
        && audit.out().contains("shares of tokens"), audit.out());
    List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
    JsonNode last = Json.parse(lines.get(lines.size() - 1)).get("accounting");
    assertEquals(3, last.size(), last.toString());
    double epochs = last.get("arith").get("epochs").asDouble();
    assertTrue(epochs > 0 && epochs < 1, "the new domain served part of an epoch: " + epochs);
  }

  @Test
  void otherWeightsResumeOnlyWhenToldAndTheRequestFollowsThem() throws IOException {
    Path src = twoDomains();
    Path corpus = prepare(src, "c");
    Path run = dir.resolve("run");
    Path first = dir.resolve("first.json");
    Files.writeString(first, "{\"policy\": \"explicit\", \"config\": {\"weights\": "
        + "{\"template\": 0.9, \"code\": 0.1}}}");
    Path second = dir.resolve("second.json");
    Files.writeString(second, "{\"policy\": \"explicit\", \"config\": {\"weights\": "
        + "{\"template\": 0.1, \"code\": 0.9}}}");
    assertEquals(0, CliRun.of(train(corpus, run, first.toString(), 10)).code());
    CliRun refused = CliRun.of(train(corpus, run, second.toString(), 20, "--resume"));
    assertEquals(1, refused.code());
    assertTrue(refused.err().contains("config of policy 'explicit'"), refused.err());
    CliRun resumed = CliRun.of(train(corpus, run, second.toString(), 20, "--resume",
        "--allow-policy-change"));
    assertEquals(0, resumed.code(), resumed.err());
    List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
    JsonNode acc = Json.parse(lines.get(lines.size() - 1)).get("accounting");
    // half the steps at 0.9, half at 0.1: half the tokens requested of each domain
    assertEquals(0.5, acc.get("template").get("requested").asDouble(), 1e-6);
    CliRun misuse = CliRun.of(train(corpus, dir.resolve("other"), "uniform", 4,
        "--allow-policy-change"));
    assertEquals(2, misuse.code());
  }

  @Test
  void documentSharesAndRepetitionCapsComeFromTheTrainerSettings() throws IOException {
    Path src = dir.resolve("src");
    write(src, "template", "train", 0, 2, false);
    write(src, "code", "train", 0, 60, false);
    for (String d : List.of("template", "code")) {
      for (String split : List.of("val", "test")) {
        write(src, d, split, 0, 4, false);
      }
    }
    Path corpus = prepare(src, "c");
    Path run = dir.resolve("run");
    CliRun r = CliRun.of(train(corpus, run, "uniform", 40, "--set",
        "maxEpochs={\"template\": 0.25}"));
    assertEquals(0, r.code(), r.err());
    CliRun audit = CliRun.of("audit", run.toString());
    assertTrue(audit.out().contains("exhausted"), audit.out());
    boolean noticed = Files.readAllLines(run.resolve("metrics.jsonl")).stream()
        .anyMatch(l -> l.contains("reached its repetition cap"));
    assertTrue(noticed, "the exhaustion is logged in metrics.jsonl");
    CliRun docs = CliRun.of(train(corpus, dir.resolve("docs"), "uniform", 4, "--set",
        "weightUnit=documents"));
    assertEquals(0, docs.code(), docs.err());
    CliRun adaptive = CliRun.of(train(corpus, dir.resolve("odm"), "odm", 4, "--set",
        "weightUnit=documents"));
    assertEquals(1, adaptive.code());
    assertTrue(adaptive.err().contains("weightUnit documents applies to static mixes"),
        adaptive.err());
  }
}
