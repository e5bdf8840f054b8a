package dev.datamix.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Real documents for the ingestion and tokenizer benchmarks: the training files of {@code
 * ../shared/corpora/text} (or {@code -Ddatamix.shared=DIR}), taken document by document from each
 * domain in turn, so every benchmark reads the same mixed text.
 */
public final class SharedText {
  /** The domains, in the order their documents are taken. */
  static final List<String> DOMAINS = List.of("prose", "bible", "sotu", "dictionary", "email",
      "techdocs", "code_java", "code_python");

  private SharedText() {}

  /** The directory of the shared corpus. */
  static Path directory() {
    Path dir = Path.of(System.getProperty("datamix.shared", "../shared/corpora/text"));
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("the benchmarks read real text from " + dir.toAbsolutePath()
          + " (../shared/corpora/text; set -Ddatamix.shared=DIR to point elsewhere)");
    }
    return dir;
  }

  /**
   * Whole documents taken round-robin from the domains until they hold at least {@code bytes}
   * UTF-8 bytes.
   */
  public static List<String> documents(long bytes) throws IOException {
    Path dir = directory();
    List<BufferedReader> readers = new ArrayList<>();
    try {
      for (String d : DOMAINS) {
        readers.add(new BufferedReader(new InputStreamReader(new GZIPInputStream(
            Files.newInputStream(dir.resolve(d + ".train.txt.gz")), 1 << 16),
            StandardCharsets.UTF_8)));
      }
      List<String> out = new ArrayList<>();
      long total = 0;
      for (int i = 0; total < bytes; i = (i + 1) % readers.size()) {
        String doc = next(readers.get(i));
        if (doc == null) {
          throw new IllegalStateException("the shared corpus holds fewer than " + bytes
              + " bytes in domain " + DOMAINS.get(i));
        }
        out.add(doc);
        total += doc.getBytes(StandardCharsets.UTF_8).length;
      }
      return out;
    } finally {
      for (BufferedReader r : readers) {
        r.close();
      }
    }
  }

  private static String next(BufferedReader r) throws IOException {
    StringBuilder doc = new StringBuilder();
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      if (line.equals("<|endoftext|>")) {
        return doc.toString();
      }
      doc.append(line).append('\n');
    }
    return doc.length() > 0 ? doc.toString() : null;
  }

  /** UTF-8 bytes of {@code documents}. */
  public static long bytes(List<String> documents) {
    long n = 0;
    for (String d : documents) {
      n += d.getBytes(StandardCharsets.UTF_8).length;
    }
    return n;
  }
}
