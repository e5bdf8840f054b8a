package dev.datamix.corpus;

import dev.datamix.testkit.CorpusFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.corpus.prepare.CorpusPreparer;
import dev.datamix.corpus.prepare.DocumentSource;
import dev.datamix.corpus.prepare.FileSources;
import dev.datamix.corpus.prepare.PrepareReport;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.OutputExistsException;
import dev.datamix.tokenizer.ByteTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareTest {
  @TempDir Path dir;

  private static void gzip(Path file, String text) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private String decodeTrain(Corpus c, String domain, Split split) {
    int d = c.domainIndex(domain);
    int n = (int) c.tokens(d, split);
    int[] t = new int[n];
    c.readTokens(d, split, 0, n, t, 0);
    return ByteTokenizer.instance().decode(t, 0, n);
  }

  @Test
  void textFilesKeepTheirSplitAndSeparateDocumentsAtTheMarker() throws IOException {
    Path src = Files.createDirectories(dir.resolve("src"));
    gzip(src.resolve("legal.train.txt.gz"), "art 1\nclause\n<|endoftext|>\nart 2\n");
    Files.writeString(src.resolve("legal.val.txt"), "art 9\n");
    Files.writeString(src.resolve("legal.test.txt"), "art 10\n<|endoftext|>\n");
    PrepareReport r = CorpusPreparer.builder().setOutput(dir.resolve("c")).optBlockLength(4)
        .addDomain("legal", FileSources.under(src, "text", FileSources.DEFAULT_SEPARATOR))
        .build().run();
    try (Corpus c = Corpus.open(r.directory())) {
      assertEquals("art 1\nclause\n<|endoftext|>art 2\n<|endoftext|>",
          decodeTrain(c, "legal", Split.TRAIN));
      assertEquals("art 9\n<|endoftext|>", decodeTrain(c, "legal", Split.VALIDATION));
      assertEquals("art 10\n<|endoftext|>", decodeTrain(c, "legal", Split.TEST));
      assertEquals(2, c.manifest().domain("legal").split(Split.TRAIN).documents());
    }
  }

  @Test
  void jsonlUsesTheConfiguredFieldAndNamesBadLines() throws IOException {
    Path f = dir.resolve("mail.jsonl");
    Files.writeString(f, "{\"body\": \"hello\\nthere\", \"id\": 1}\n\n{\"body\": \"bye\"}\n");
    PrepareReport r = CorpusPreparer.builder().setOutput(dir.resolve("c")).optBlockLength(2)
        .optSplitFractions(0, 0)
        .addDomain("mail", FileSources.under(f, "body", FileSources.DEFAULT_SEPARATOR))
        .build().run();
    try (Corpus c = Corpus.open(r.directory())) {
      assertEquals("hello\nthere<|endoftext|>bye<|endoftext|>",
          decodeTrain(c, "mail", Split.TRAIN));
    }
    Files.writeString(f, "{\"body\": \"ok\"}\n{\"text\": \"no body\"}\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CorpusPreparer.builder().setOutput(dir.resolve("c2"))
            .addDomain("mail", FileSources.under(f, "body", FileSources.DEFAULT_SEPARATOR))
            .build().run());
    assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("'body'")
        && e.getMessage().contains(f.toString()), e.getMessage());
  }

  @Test
  void hashSplitIsDeterministicAndIndependentOfThreads() throws IOException {
    List<DocumentSource> sources = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      sources.add(CorpusFixtures.docs("s" + i, null,
          CorpusFixtures.numbered("file" + i, 50, 100)));
    }
    PrepareReport one = CorpusPreparer.builder().setOutput(dir.resolve("one")).optThreads(1)
        .optSeed(7).optSplitFractions(0.1, 0.2).addDomain("d", sources).build().run();
    PrepareReport four = CorpusPreparer.builder().setOutput(dir.resolve("four")).optThreads(4)
        .optSeed(7).optSplitFractions(0.1, 0.2).addDomain("d", sources).build().run();
    assertEquals(one.manifest(), four.manifest());
    for (var shard : one.manifest().domain("d").split(Split.TRAIN).shards()) {
      assertEquals(-1, Files.mismatch(dir.resolve("one").resolve(shard.file()),
          dir.resolve("four").resolve(shard.file())));
    }
    var m = one.manifest().domain("d");
    long val = m.split(Split.VALIDATION).documents();
    long test = m.split(Split.TEST).documents();
    assertEquals(300, val + test + m.split(Split.TRAIN).documents());
    assertTrue(val > 10 && val < 55 && test > 35 && test < 90, "val " + val + " test " + test);
  }

  @Test
  void failedPrepareLeavesThePreviousCorpusIntactAndNoTemporaryFiles() throws IOException {
    Path out = dir.resolve("corpus");
    CorpusPreparer.builder().setOutput(out).optBlockLength(2)
        .addDomain("d", List.of(CorpusFixtures.docs("d", Split.TRAIN, List.of("first corpus"))))
        .build().run();
    String manifestBefore = Files.readString(out.resolve("manifest.json"));
    DocumentSource failing = new DocumentSource() {
      @Override
      public String name() {
        return "failing";
      }

      @Override
      public Optional<Split> fixedSplit() {
        return Optional.of(Split.TRAIN);
      }

      @Override
      public long sizeBytes() {
        return 10;
      }

      @Override
      public void forEach(DocumentSink sink) throws IOException {
        sink.accept("a document that gets written");
        throw new IOException("disk vanished");
      }
    };
    IOException e = assertThrows(IOException.class, () -> CorpusPreparer.builder()
        .setOutput(out).optBlockLength(2).optExistingOutput(ExistingOutput.OVERWRITE)
        .addDomain("d", List.of(failing)).build().run());
    assertTrue(e.getMessage().contains("failing") && e.getMessage().contains("disk vanished"),
        e.getMessage());
    assertEquals(manifestBefore, Files.readString(out.resolve("manifest.json")));
    try (Corpus c = Corpus.open(out)) {
      assertEquals("first corpus<|endoftext|>", decodeTrain(c, "d", Split.TRAIN));
    }
    try (var listing = Files.list(dir)) {
      assertEquals(List.of(out), listing.toList(), "no temporary directory is left");
    }
  }

  @Test
  void interruptedPrepareLeavesThePreviousCorpusIntact() throws Exception {
    Path out = dir.resolve("corpus");
    CorpusPreparer.builder().setOutput(out).optBlockLength(2)
        .addDomain("d", List.of(CorpusFixtures.docs("d", Split.TRAIN, List.of("old corpus"))))
        .build().run();
    java.util.concurrent.CountDownLatch writing = new java.util.concurrent.CountDownLatch(1);
    DocumentSource endless = new DocumentSource() {
      @Override
      public String name() {
        return "endless";
      }

      @Override
      public Optional<Split> fixedSplit() {
        return Optional.of(Split.TRAIN);
      }

      @Override
      public long sizeBytes() {
        return 1;
      }

      @Override
      public void forEach(DocumentSink sink) throws IOException {
        for (int i = 0; ; i++) {
          sink.accept("new document " + i);
          writing.countDown();
          if (Thread.currentThread().isInterrupted()) {
            throw new java.io.InterruptedIOException("stopped at document " + i);
          }
        }
      }
    };
    java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        CorpusPreparer.builder().setOutput(out).optBlockLength(2)
            .optExistingOutput(ExistingOutput.OVERWRITE).addDomain("d", List.of(endless))
            .build().run();
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    t.start();
    writing.await();
    t.interrupt();
    t.join(60_000);
    assertTrue(failure.get() instanceof IOException, String.valueOf(failure.get()));
    try (Corpus c = Corpus.open(out)) {
      assertEquals("old corpus<|endoftext|>", decodeTrain(c, "d", Split.TRAIN));
    }
    try (var listing = Files.list(dir)) {
      assertEquals(List.of(out), listing.toList(), "no temporary directory is left");
    }
  }

  @Test
  void refusesToReplaceADirectoryThatIsNotACorpus() throws IOException {
    Path out = Files.createDirectories(dir.resolve("precious"));
    Files.writeString(out.resolve("notes.txt"), "keep me");
    for (ExistingOutput mode : List.of(ExistingOutput.REFUSE, ExistingOutput.OVERWRITE)) {
      OutputExistsException e = assertThrows(OutputExistsException.class, () -> CorpusPreparer
          .builder().setOutput(out).optExistingOutput(mode)
          .addDomain("d", List.of(CorpusFixtures.docs("d", Split.TRAIN, List.of("x")))).build()
          .run());
      assertTrue(e.getMessage().contains("not a datamix corpus"), e.getMessage());
    }
    assertEquals("keep me", Files.readString(out.resolve("notes.txt")));
  }

  @Test
  void progressBarAndReportTableArePrinted() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrepareReport r = CorpusPreparer.builder().setOutput(dir.resolve("c")).optBlockLength(2)
        .optProgress(new PrintStream(buf, true, StandardCharsets.UTF_8))
        .addDomain("d", List.of(CorpusFixtures.docs("d", Split.TRAIN, List.of("abc", "de"))))
        .build().run();
    assertTrue(buf.toString(StandardCharsets.UTF_8).contains("1/1 files"));
    String table = String.join("\n", r.table());
    assertTrue(table.contains("d") && table.contains("train"), table);
  }

  @Test
  void badSettingsAreRejectedNamingThem() {
    assertThrows(IllegalArgumentException.class, () -> CorpusPreparer.builder().build());
    IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
        () -> CorpusPreparer.builder().setOutput(dir).addDomain("a/b", List.of(
            CorpusFixtures.docs("x", null, List.of("x")))).build());
    assertTrue(name.getMessage().contains("'a/b'"), name.getMessage());
    IllegalArgumentException frac = assertThrows(IllegalArgumentException.class,
        () -> CorpusPreparer.builder().setOutput(dir).optSplitFractions(0.6, 0.5)
            .addDomain("a", List.of(CorpusFixtures.docs("x", null, List.of("x")))).build());
    assertTrue(frac.getMessage().contains("0.6"), frac.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> FileSources.under(dir.resolve("nope"), "text", "x"));
    assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
  }
}
