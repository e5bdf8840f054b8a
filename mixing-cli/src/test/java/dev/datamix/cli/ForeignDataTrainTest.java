package dev.datamix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.hf.DatasetWriters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Data users already have trains from the command line under any policy: Megatron indexed
 * datasets (exported from a prepared corpus, then attached in place), Hugging Face {@code
 * save_to_disk} directories, and Parquet files.
 */
class ForeignDataTrainTest {
  static final int DOCUMENTS = 120;
  static Path megatron;
  static Path megatronNatsOnly;
  static Path arrow;
  static Path parquet;
  @TempDir Path dir;

  @BeforeAll
  static void corpora(@TempDir Path shared) throws IOException {
    Path demo = shared.resolve("demo");
    DemoCorpus.write(demo, 30_000, 16, 1);
    List<String> args = new ArrayList<>(List.of("prepare", "--out",
        shared.resolve("megatron").toString(), "--block-length", "16", "--quiet"));
    List<String> natsOnly = new ArrayList<>(List.of("prepare", "--out",
        shared.resolve("megatron-nats").toString(), "--block-length", "16", "--quiet",
        "--megatron-bytes", "none"));
    try (Corpus c = Corpus.open(demo)) {
      for (String d : c.domainNames()) {
        for (Split s : Split.values()) {
          Path prefix = shared.resolve("mg/" + d + "_" + s.id() + "_text_document");
          CliRun r = CliRun.of("export", "--format", "megatron", "--corpus", demo.toString(),
              "--domain", d, "--split", s.id(), "--out", prefix.toString());
          assertEquals(0, r.code(), r.err());
          args.addAll(List.of("--megatron", d + ":" + s.id() + "=" + prefix));
          natsOnly.addAll(List.of("--megatron", d + ":" + s.id() + "=" + prefix));
        }
      }
    }
    CliRun r = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    megatron = shared.resolve("megatron");
    r = CliRun.of(natsOnly.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("unknown"), r.out());
    megatronNatsOnly = shared.resolve("megatron-nats");
    arrow = huggingFace(shared, "arrow");
    parquet = huggingFace(shared, "parquet");
  }

  /** A corpus prepared from the demo corpus's documents written as Hugging Face datasets. */
  private static Path huggingFace(Path shared, String format) throws IOException {
    List<String> args = new ArrayList<>(List.of("prepare", "--out",
        shared.resolve(format).toString(), "--block-length", "16", "--quiet"));
    for (String d : DemoCorpus.DOMAINS) {
      for (Split s : Split.values()) {
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < (s == Split.TRAIN ? DOCUMENTS : DOCUMENTS / 10); i++) {
          docs.add(DemoCorpus.document(d, s.ordinal(), i));
        }
        Path src = shared.resolve(format + "-src/" + d + "/" + s.id());
        if (format.equals("arrow")) {
          DatasetWriters.saveToDisk(docs.iterator(), s.id(), src);
        } else {
          DatasetWriters.parquet(docs, src.resolve(s.id() + "-00000-of-00001.parquet"));
        }
      }
      args.addAll(List.of("--domain", d + "=" + shared.resolve(format + "-src/" + d)));
    }
    CliRun r = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    return shared.resolve(format);
  }

  static String[] train(Path corpus, Path run, String policy, String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--corpus", corpus.toString(), "--policy",
        policy, "--run", run.toString(), "--quiet", "--set", "layers=1", "--set", "dModel=16",
        "--set", "heads=2", "--set", "batchSize=4", "--set", "warmupSteps=1", "--set",
        "evalBlocksPerDomain=2", "--set", "steps=6", "--set", "targetDomain=target_mix",
        "--set", "probeBatchSize=2", "--set", "targetBlocks=2"));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @ParameterizedTest
  @ValueSource(strings = {"uniform", "proportional", "odm", "ado", "aioli", "dga", "lfr"})
  void aMegatronCorpusTrainsUnderAnyPolicy(String policy) throws IOException {
    trains(megatron, policy);
  }

  @ParameterizedTest
  @ValueSource(strings = {"uniform", "proportional", "odm", "ado", "aioli", "dga", "lfr"})
  void aHuggingFaceArrowCorpusTrainsUnderAnyPolicy(String policy) throws IOException {
    trains(arrow, policy);
  }

  @ParameterizedTest
  @ValueSource(strings = {"uniform", "proportional", "odm", "ado", "aioli", "dga", "lfr"})
  void aParquetCorpusTrainsUnderAnyPolicy(String policy) throws IOException {
    trains(parquet, policy);
  }

  private void trains(Path corpus, String policy) throws IOException {
    Path run = dir.resolve("run");
    CliRun r = CliRun.of(train(corpus, run, policy));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("trained 6 steps") && r.out().contains("bits/byte"), r.out());
    assertEquals(6, Files.readAllLines(run.resolve("metrics.jsonl")).size());
  }

  @Test
  void aCorpusWithoutByteCountsTrainsAndReportsNatsOnly() throws IOException {
    Path run = dir.resolve("run");
    CliRun r = CliRun.of(train(megatronNatsOnly, run, "uniform", "--eval-every", "3"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("nats/token") && r.out().contains("bits/byte unknown"), r.out());
    assertTrue(Files.size(run.resolve("report.html")) > 0);
  }
}
