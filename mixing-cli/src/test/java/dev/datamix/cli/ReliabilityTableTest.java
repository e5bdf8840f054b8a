package dev.datamix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.djl.train.CheckpointIo;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.mixture.Domain;
import dev.datamix.policy.MixingPolicy;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.Json;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tries every kind of bad input through the command line (and the library, where no command
 * reaches it), and checks the table of exit codes and messages in {@code docs/reliability.md}:
 * a changed message fails this test until the page is regenerated with {@code
 * -Ddatamix.regenerate=true}. Nobody writes the table by hand.
 */
class ReliabilityTableTest {
  static final Path PAGE = Path.of("..", "docs", "reliability.md");
  @TempDir Path tmp;
  private final List<String> rows = new ArrayList<>();
  private Path corpus;
  private Path run;

  private String[] trainArgs(Path runDir, String... more) {
    List<String> a = new ArrayList<>(List.of("train", "--corpus", corpus.toString(), "--policy",
        "uniform", "--run", runDir.toString(), "--quiet", "--set", "layers=1", "--set",
        "dModel=16", "--set", "heads=2", "--set", "batchSize=4", "--set", "warmupSteps=1",
        "--set", "evalBlocksPerDomain=2", "--set", "steps=3"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  /** A copy of the directory {@code from}, named {@code name} in the test's directory. */
  private Path copy(Path from, String name) throws IOException {
    Path to = tmp.resolve(name);
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
    return to;
  }

  private Path copyOfRun(String name) throws IOException {
    return copy(run, name);
  }

  private Path copyOfCorpus(String name) throws IOException {
    return copy(corpus, name);
  }

  private void cli(String what, String... args) {
    CliRun r = CliRun.of(args);
    assertTrue(r.code() != 0, what + " must fail, got 0:\n" + r.out());
    String first = r.err().lines().filter(l -> l.startsWith("datamix: ")).findFirst()
        .orElse(r.err().lines().filter(l -> !l.isBlank()).findFirst().orElse(""));
    add(what, "`datamix " + args[0] + "`", String.valueOf(r.code()), first);
  }

  private void api(String what, String call, Callable<?> action) {
    try {
      action.call();
    } catch (Exception e) {
      add(what, call, e.getClass().getSimpleName(), e.getMessage());
      return;
    }
    throw new AssertionError(what + " must fail");
  }

  private void add(String what, String via, String exit, String message) {
    // a checkpoint's CRC depends on the float bits the machine's BLAS computed: not the message
    String m = message.replace(tmp.toString(), "$TMP").replace("|", "\\|")
        .replaceAll("CRC-32 expected [0-9a-f]+ but the content gives [0-9a-f]+",
            "CRC-32 expected <crc> but the content gives <crc>");
    rows.add("| " + (rows.size() + 1) + " | " + what + " | " + via + " | " + exit + " | `" + m
        + "` |");
  }

  @Test
  void everyBadInputGetsAClearErrorAndThePageListsThemAll() throws Exception {
    corpus = tmp.resolve("corpus");
    DemoCorpus.write(corpus, 30_000, 16, 1);
    run = tmp.resolve("run");
    CliRun trained = CliRun.of(trainArgs(run));
    assertEquals(0, trained.code(), trained.err());

    // existing work
    cli("a run directory that already holds a run, without --resume", trainArgs(run));
    Path notes = Files.createDirectories(tmp.resolve("notes"));
    Files.writeString(notes.resolve("thesis.tex"), "mine");
    cli("--overwrite of a directory that holds no run", trainArgs(notes, "--overwrite"));
    cli("--resume where there is no run", trainArgs(tmp.resolve("empty"), "--resume"));
    cli("prepare into an existing corpus", "prepare", "--demo", "--out", corpus.toString());
    cli("prepare --overwrite into a directory that is not a corpus", "prepare", "--demo",
        "--overwrite", "--out", notes.toString());
    Files.createDirectories(tmp.resolve("shoot"));
    Files.writeString(tmp.resolve("shoot/spec.json"), "{}");
    cli("a shoot-out directory that already holds one, without --resume", "shootout",
        "--quick", "--out", tmp.resolve("shoot").toString());
    String[] fit = {"fit", "--corpus", corpus.toString(), "--out", tmp.resolve("fit").toString(),
        "--proxy-fraction", "0.5", "--fit-points", "4", "--set", "steps=16", "--set",
        "trainDomains=[\"template\", \"arith\", \"code\", \"noise\"]", "--set", "layers=1",
        "--set", "dModel=16", "--set", "heads=2", "--set", "batchSize=4", "--set",
        "warmupSteps=1", "--set", "evalBlocksPerDomain=2"};
    CliRun fitted = CliRun.of(fit);
    assertEquals(0, fitted.code(), fitted.err());
    cli("a fit directory that already holds a fit, without --resume", fit);
    List<String> otherFit = new ArrayList<>(List.of(fit));
    otherFit.set(otherFit.indexOf("4"), "5");
    otherFit.add("--resume");
    cli("fit --resume with other settings than the fit found", otherFit.toArray(String[]::new));

    // checkpoints
    cli("resume with more steps under the cosine schedule", trainArgs(copyOfRun("longer"),
        "--resume", "--set", "steps=9"));
    cli("resume with another model shape", trainArgs(copyOfRun("shape"), "--resume", "--set",
        "dModel=32"));
    List<String> other = new ArrayList<>(List.of(trainArgs(copyOfRun("policy"), "--resume")));
    other.set(other.indexOf("uniform"), "proportional");
    cli("resume under another policy", other.toArray(String[]::new));
    cli("resume with another trainer setting", trainArgs(copyOfRun("seed"), "--resume", "--set",
        "seed=7"));
    Path flipped = copyOfRun("flipped");
    Path params = flipped.resolve("checkpoints/step-000000003/params.bin");
    byte[] b = Files.readAllBytes(params);
    b[b.length / 2] ^= 0x01;
    Files.write(params, b);
    cli("a checkpoint with one flipped bit", trainArgs(flipped, "--resume"));
    Path truncated = copyOfRun("truncated");
    Path moments = truncated.resolve("checkpoints/step-000000003/optimizer.bin");
    Files.write(moments, java.util.Arrays.copyOf(Files.readAllBytes(moments), 1000));
    cli("a truncated checkpoint", trainArgs(truncated, "--resume"));
    Path badState = copyOfRun("state");
    Path state = badState.resolve("checkpoints/step-000000003/state.json");
    Files.writeString(state, Files.readString(state).substring(0, 200));
    cli("a checkpoint whose state.json is cut short", trainArgs(badState, "--resume"));
    Path newer = copyOfRun("newer");
    Path newerState = newer.resolve("checkpoints/step-000000003/state.json");
    ObjectNode s = (ObjectNode) Json.read(newerState);
    s.put("formatVersion", 99);
    Files.writeString(newerState, Json.write(s));
    cli("a checkpoint of a newer format version", trainArgs(newer, "--resume"));
    Path dangling = copyOfRun("dangling");
    Files.writeString(dangling.resolve("checkpoints/latest"), "step-000000042\n");
    cli("latest names a checkpoint that is missing", trainArgs(dangling, "--resume"));

    // corpora
    cli("a corpus directory that does not exist", "train", "--corpus",
        tmp.resolve("nowhere").toString(), "--policy", "uniform", "--run",
        tmp.resolve("r1").toString());
    Path shortShard = copyOfCorpus("short-shard");
    Path shard;
    try (Stream<Path> walk = Files.walk(shortShard.resolve("arith"))) {
      shard = walk.filter(p -> p.toString().endsWith(".bin")).sorted().findFirst().orElseThrow();
    }
    Files.write(shard, java.util.Arrays.copyOf(Files.readAllBytes(shard), 101));
    cli("a truncated corpus shard", "train", "--corpus", shortShard.toString(), "--policy",
        "uniform", "--run", tmp.resolve("r2").toString());
    Path badManifest = copyOfCorpus("bad-manifest");
    Files.writeString(badManifest.resolve("manifest.json"), "{\"format\": ");
    cli("a corpus manifest that is not JSON", "train", "--corpus", badManifest.toString(),
        "--policy", "uniform", "--run", tmp.resolve("r3").toString());
    Path lying = copyOfCorpus("lying-manifest");
    String m = Files.readString(lying.resolve("manifest.json"));
    int at = m.indexOf("\"tokens\"");
    int end = m.indexOf(',', at);
    Files.writeString(lying.resolve("manifest.json"), m.substring(0, at) + "\"tokens\" : 1"
        + m.substring(end));
    cli("a manifest whose token count disagrees with its shards", "train", "--corpus",
        lying.toString(), "--policy", "uniform", "--run", tmp.resolve("r4").toString());

    // policy and trainer configs
    Path r5 = tmp.resolve("r5");
    List<String> unknown = new ArrayList<>(List.of(trainArgs(r5)));
    unknown.set(unknown.indexOf("uniform"), "no-such-policy");
    cli("an unknown policy name", unknown.toArray(String[]::new));
    Path badKey = Files.writeString(tmp.resolve("temp.json"),
        "{\"policy\": \"temperature\", \"config\": {\"temp\": 2}}");
    unknown.set(unknown.indexOf("no-such-policy"), badKey.toString());
    cli("a policy config with an unknown key", unknown.toArray(String[]::new));
    Path negative = Files.writeString(tmp.resolve("neg.json"), "{\"policy\": \"explicit\", "
        + "\"config\": {\"weights\": {\"template\": -1, \"arith\": 1, \"code\": 1, \"noise\": 1,"
        + " \"small\": 1, \"target_mix\": 1}}}");
    unknown.set(unknown.indexOf(badKey.toString()), negative.toString());
    cli("a negative mixture weight", unknown.toArray(String[]::new));
    Path notJson = Files.writeString(tmp.resolve("policy.json"), "{\"policy\": uniform}");
    unknown.set(unknown.indexOf(negative.toString()), notJson.toString());
    cli("a policy file that is not JSON", unknown.toArray(String[]::new));
    cli("an unknown trainer key", trainArgs(tmp.resolve("r6"), "--set", "stepz=3"));
    cli("an ill-typed trainer key", trainArgs(tmp.resolve("r7"), "--set", "steps=\"many\""));
    cli("inconsistent trainer keys", trainArgs(tmp.resolve("r8"), "--set", "dModel=30",
        "--set", "heads=4"));
    cli("an unknown target domain", trainArgs(tmp.resolve("r9"), "--set",
        "targetDomain=\"nope\""));
    cli("non-finite losses (a diverging run)", trainArgs(tmp.resolve("r10"), "--set",
        "peakLr=1e9", "--set", "gradClip=0", "--set", "steps=40"));
    cli("a malformed --set", trainArgs(tmp.resolve("r11"), "--set", "steps"));

    // ingestion
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.write(src.resolve("bad.txt"), new byte[] {'o', 'k', '\n', 'x', (byte) 0xfe, '\n'});
    cli("invalid UTF-8 with --fail-on-invalid-utf8", "prepare", "--domain",
        "d=" + src.resolve("bad.txt"), "--fail-on-invalid-utf8", "--out",
        tmp.resolve("p1").toString(), "--quiet");
    Files.writeString(src.resolve("tiny.txt"), "too short\n");
    cli("a domain with no training block", "prepare", "--domain",
        "d=" + src.resolve("tiny.txt"), "--out", tmp.resolve("p2").toString(), "--quiet");
    Files.writeString(src.resolve("docs.jsonl"), "{\"text\": \"fine\"}\n{\"text\": \"cut\n");
    cli("a JSONL line that is not JSON", "prepare", "--domain",
        "d=" + src.resolve("docs.jsonl"), "--out", tmp.resolve("p3").toString(), "--quiet");
    Files.writeString(src.resolve("body.jsonl"), "{\"body\": \"no text field\"}\n");
    cli("a JSONL line without the text field", "prepare", "--domain",
        "d=" + src.resolve("body.jsonl"), "--out", tmp.resolve("p4").toString(), "--quiet");
    Files.writeString(src.resolve("tokenizer.json"), "{\"model\": {\"type\": \"WordLevel\"}}");
    Files.writeString(src.resolve("ok.txt"), "plain text\n".repeat(20));
    cli("a tokenizer.json that names no end-of-text token", "prepare", "--domain",
        "d=" + src.resolve("ok.txt"), "--tokenizer", src.resolve("tokenizer.json").toString(),
        "--out", tmp.resolve("p5").toString(), "--quiet");
    Files.writeString(src.resolve("fake.txt.gz"), "not gzip at all");
    cli("a .gz file that is not gzip", "prepare", "--domain", "d=" + src.resolve("fake.txt.gz"),
        "--out", tmp.resolve("p6").toString(), "--quiet");
    cli("a source path that does not exist", "prepare", "--domain",
        "d=" + src.resolve("missing.txt"), "--out", tmp.resolve("p7").toString(), "--quiet");

    // Megatron datasets, Hugging Face datasets, accounting
    Path mg = tmp.resolve("mg/code_text_document");
    assertEquals(0, CliRun.of("export", "--format", "megatron", "--corpus", corpus.toString(),
        "--domain", "code", "--out", mg.toString()).code());
    cli("export onto an existing Megatron dataset without --overwrite", "export", "--format",
        "megatron", "--corpus", corpus.toString(), "--domain", "code", "--out", mg.toString());
    Path badMagic = tmp.resolve("mg/bad_magic");
    Files.copy(Path.of(mg + ".bin"), Path.of(badMagic + ".bin"));
    byte[] idx = Files.readAllBytes(Path.of(mg + ".idx"));
    idx[0] = 'X';
    Files.write(Path.of(badMagic + ".idx"), idx);
    cli("a Megatron .idx with a bad magic", "prepare", "--megatron", "web=" + badMagic, "--out",
        tmp.resolve("p8").toString(), "--quiet");
    Path cut = tmp.resolve("mg/cut");
    Files.copy(Path.of(mg + ".idx"), Path.of(cut + ".idx"));
    byte[] bin = Files.readAllBytes(Path.of(mg + ".bin"));
    Files.write(Path.of(cut + ".bin"), java.util.Arrays.copyOf(bin, bin.length - 10));
    cli("a truncated Megatron .bin", "prepare", "--megatron", "web=" + cut, "--out",
        tmp.resolve("p9").toString(), "--quiet");
    Path hf = Files.createDirectories(tmp.resolve("hf"));
    dev.datamix.hf.DatasetWriters.parquet(List.of("one document", "another"),
        hf.resolve("train-00000-of-00001.parquet"));
    cli("a Parquet file without the text column", "prepare", "--domain", "d=" + hf,
        "--text-field", "content", "--out", tmp.resolve("p10").toString(), "--quiet");
    Files.writeString(src.resolve("fake.arrow"), "not arrow");
    cli("an .arrow file that is not an Arrow stream", "prepare", "--domain",
        "d=" + src.resolve("fake.arrow"), "--out", tmp.resolve("p11").toString(), "--quiet");
    cli("audit of a run without a checkpoint", "audit", notes.toString());
    cli("maxEpochs naming a domain that is not trained on", trainArgs(tmp.resolve("r12"),
        "--set", "maxEpochs={\"nope\": 2}"));
    List<String> odm = new ArrayList<>(List.of(trainArgs(tmp.resolve("r13"), "--set",
        "weightUnit=documents")));
    odm.set(odm.indexOf("uniform"), "odm");
    cli("weights in documents for an adaptive policy", odm.toArray(String[]::new));
    Path smaller = tmp.resolve("smaller");
    assertEquals(0, CliRun.of("prepare", "--demo", "--demo-bytes", "20000", "--block-length",
        "16", "--out", smaller.toString(), "--quiet").code());
    List<String> onSmaller = new ArrayList<>(List.of(trainArgs(copyOfRun("lost"), "--resume")));
    onSmaller.set(onSmaller.indexOf(corpus.toString()), smaller.toString());
    cli("resume on another corpus, without --allow-corpus-growth",
        onSmaller.toArray(String[]::new));
    onSmaller.add("--allow-corpus-growth");
    cli("resume with --allow-corpus-growth on a corpus that lost blocks",
        onSmaller.toArray(String[]::new));

    // reports
    Path broken = Files.createDirectories(tmp.resolve("broken"));
    String line = Files.readAllLines(run.resolve("metrics.jsonl")).get(0);
    Files.writeString(broken.resolve("metrics.jsonl"), line + "\n" + line.substring(0, 40)
        + "\n" + line + "\n");
    cli("a metrics.jsonl with a corrupt line given to report", "report", broken.toString(),
        "--out",
        tmp.resolve("report.html").toString());

    // mixing laws
    Path swarm = Files.createDirectories(tmp.resolve("swarm"));
    Files.writeString(swarm.resolve("ratios.csv"), "run,name,index,template,arith\n"
        + "a,a,0,0.5,0.6\n");
    Files.writeString(swarm.resolve("metrics.csv"), "run,name,index,mean_bpb\na,a,0,2.0\n");
    cli("a ratios.csv row that does not sum to 1", "fit-mix", "--swarm", swarm.toString(),
        "--corpus", corpus.toString(), "--out", tmp.resolve("mix1").toString());
    Files.writeString(swarm.resolve("ratios.csv"), "run,name,index,template,arith\n"
        + "a,a,0,0.5,0.5\nb,b,1,0.25,0.75\nc,c,2,1,0\n");
    Files.writeString(swarm.resolve("metrics.csv"), "run,name,index,mean_bpb\na,a,0,2.0\n"
        + "b,b,1,1.9\nc,c,2,2.2\n");
    cli("an objective the swarm has no column for", "fit-mix", "--swarm", swarm.toString(),
        "--corpus", corpus.toString(), "--objective", "target", "--out",
        tmp.resolve("mix2").toString());
    cli("an unknown regressor", "fit-mix", "--swarm", swarm.toString(), "--corpus",
        corpus.toString(), "--objective", "mean_bpb", "--regressor", "lightgbm", "--out",
        tmp.resolve("mix3").toString());
    cli("an epoch cap no mixture fits", "fit-mix", "--swarm", swarm.toString(), "--corpus",
        corpus.toString(), "--objective", "mean_bpb", "--budget-tokens", "1000000000", "--out",
        tmp.resolve("mix4").toString());
    cli("a swarm whose epoch cap rejects every draw", "swarm", "--corpus", corpus.toString(),
        "--out", tmp.resolve("swarm2").toString(), "--runs", "4", "--max-epochs", "0.01",
        "--budget-tokens", "100000000");

    // through the library only
    api("a full disk while a checkpoint is written", "`MixingTrainer` with a failing "
        + "`CheckpointIo`", () -> fullDiskRun(tmp.resolve("disk")));
    MixingPolicy velocitune = PolicyRegistry.load().create(PolicyContext.of(List.of(
        new Domain("a", 100, 1000), new Domain("b", 100, 1000)), 1), Json.parse(
        "{\"policy\": \"velocitune\", \"config\": {\"targetLosses\": {\"a\": 1, \"b\": 1}}}"));
    velocitune.signalsFor(0);
    api("an Aioli round longer than updateSteps", "`PolicyRegistry.create`", () -> PolicyRegistry
        .load().create("aioli", PolicyContext.of(List.of(new Domain("a", 100, 1000),
            new Domain("b", 100, 1000)), 1), Json.parse("{\"updateSteps\": 6}")));
    api("an infinite held-out loss given to a policy", "`MixingPolicy.observe`",
        () -> {
          velocitune.observe(new Observation.HeldOutLoss(0, DoubleVector.of(
              new double[] {Double.POSITIVE_INFINITY, 2})));
          return null;
        });

    String page = header() + String.join("\n", rows) + "\n";
    if (Boolean.getBoolean("datamix.regenerate")) {
      AtomicFiles.writeString(PAGE, page);
    }
    assertTrue(rows.size() >= 25, rows.size() + " cases");
    assertEquals(page, Files.readString(PAGE, StandardCharsets.UTF_8), "docs/reliability.md is"
        + " out of date: mvn -pl mixing-cli test -Dtest=ReliabilityTableTest "
        + "-Ddatamix.regenerate=true");
  }

  private Object fullDiskRun(Path dir) throws IOException {
    CheckpointIo disk = CheckpointIo.fileSystem();
    CheckpointIo full = new CheckpointIo() {
      @Override
      public OutputStream create(Path file) throws IOException {
        return new FilterOutputStream(disk.create(file)) {
          private long room = 4096;

          @Override
          public void write(byte[] bytes, int off, int len) throws IOException {
            if ((room -= len) < 0) {
              throw new IOException("No space left on device");
            }
            out.write(bytes, off, len);
          }
        };
      }

      @Override
      public void rename(Path from, Path to) throws IOException {
        disk.rename(from, to);
      }
    };
    try (var c = dev.datamix.corpus.Corpus.open(corpus);
        MixingTrainer t = MixingTrainer.builder().setCorpus(c).setRunDirectory(dir)
            .setPolicy(Json.parse("{\"policy\": \"uniform\"}")).optCheckpointIo(full)
            .optConfig(TrainingConfig.fromJson(Json.parse("{\"layers\": 1, \"dModel\": 16, "
                + "\"heads\": 2, \"batchSize\": 4, \"steps\": 2, \"warmupSteps\": 1}")))
            .build()) {
      return t.train();
    }
  }

  private static String header() {
    return String.join("\n",
        "# Reliability: bad input and what datamix says",
        "",
        "Every kind of bad input we try, the exit code of the command (or the exception of the",
        "library call) and the first line of its message. Generated by",
        "`mixing-cli/src/test/java/dev/datamix/cli/ReliabilityTableTest.java`, which fails when a",
        "message changes; regenerate with",
        "`mvn -pl mixing-cli test -Dtest=ReliabilityTableTest -Ddatamix.regenerate=true`.",
        "`$TMP` stands for the test's temporary directory. Exit code 1 is a failed command, 2 a",
        "usage error. In every case nothing that existed before was changed.",
        "",
        "Crashes are covered separately: `KillAndResumeTest` (mixing-djl) kills a training",
        "process with SIGKILL three times at random steps and once between a checkpoint's write",
        "and its rename, for `uniform`, `dga`, `lfr` and `continual`, and checks that the resumed",
        "run's metrics, parameters and optimizer state equal an uninterrupted run's byte for",
        "byte.",
        "",
        "| # | bad input | via | exit | message |",
        "|---|---|---|---|---|",
        "");
  }
}
