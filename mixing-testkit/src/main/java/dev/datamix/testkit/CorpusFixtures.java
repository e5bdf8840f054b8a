package dev.datamix.testkit;

import dev.datamix.corpus.Split;

import dev.datamix.corpus.prepare.DocumentSource;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** Small in-memory document sources for corpus tests. */
public final class CorpusFixtures {
  private CorpusFixtures() {}

  /** Documents with a fixed split (or none, for the hash split). */
  public static DocumentSource docs(String name, Split split, List<String> documents) {
    return new DocumentSource() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Optional<Split> fixedSplit() {
        return Optional.ofNullable(split);
      }

      @Override
      public long sizeBytes() {
        return documents.stream().mapToLong(String::length).sum();
      }

      @Override
      public void forEach(DocumentSink sink) throws IOException {
        for (String d : documents) {
          sink.accept(d);
        }
      }
    };
  }

  /** {@code n} varied documents of roughly {@code length} characters. */
  public static List<String> numbered(String prefix, int n, int length) {
    return java.util.stream.IntStream.range(0, n).mapToObj(i -> {
      StringBuilder sb = new StringBuilder(prefix).append(' ').append(i).append(": ");
      while (sb.length() < length) {
        sb.append("word").append(i * 31 % 17).append(" é ");
      }
      return sb.toString();
    }).toList();
  }
}
