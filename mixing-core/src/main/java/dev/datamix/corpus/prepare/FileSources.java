package dev.datamix.corpus.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.corpus.Split;
import dev.datamix.state.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Document sources read from files: plain text (documents separated by a line holding exactly the
 * separator, {@code <|endoftext|>} by default; a file without one is one document) and JSONL (one
 * JSON object per line, text in a configurable field). {@code .gz} files are decompressed. A file
 * named {@code name.train.ext}, {@code name.val.ext} (or {@code valid}, {@code validation}) or
 * {@code name.test.ext}, or inside a directory named {@code train}, {@code val} or {@code test},
 * keeps that split. Bytes that are not UTF-8 become U+FFFD and are counted per document (see
 * {@link DocumentSource.DocumentSink#accept(String, long, long)}).
 */
public final class FileSources {
  /** The default document separator line of text files. */
  public static final String DEFAULT_SEPARATOR = "<|endoftext|>";

  private static final Pattern SPLIT_IN_NAME =
      Pattern.compile("(?:^|[._-])(train|val|valid|validation|test)(?:[._-]|$)");

  private FileSources() {}

  /**
   * The sources under {@code path}: the file itself, or every regular file below the directory,
   * in path order (hidden files skipped).
   *
   * @param textField the JSONL field holding the text
   * @param separator the text files' document separator line
   * @throws IOException if the path cannot be listed
   * @throws IllegalArgumentException if the path does not exist or holds no file
   */
  public static List<DocumentSource> under(Path path, String textField, String separator)
      throws IOException {
    if (!Files.exists(path)) {
      throw new IllegalArgumentException("source path " + path + " does not exist");
    }
    DocumentSourceProvider provider = providerFor(path);
    if (provider != null) {
      return provider.sources(path, textField);
    }
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(path)) {
      try (Stream<Path> walk = Files.walk(path)) {
        walk.filter(Files::isRegularFile)
            .filter(p -> !p.getFileName().toString().startsWith("."))
            .sorted().forEach(files::add);
      }
      if (files.isEmpty()) {
        throw new IllegalArgumentException("source directory " + path + " holds no file");
      }
    } else {
      files.add(path);
    }
    List<DocumentSource> out = new ArrayList<>();
    for (Path f : files) {
      DocumentSourceProvider p = providerFor(f);
      if (p != null) {
        out.addAll(p.sources(f, textField));
      } else {
        out.add(of(f, textField, separator));
      }
    }
    return out;
  }

  /**
   * The provider on the class path that reads {@code path}, or null if it is text or JSONL.
   *
   * @throws IllegalArgumentException for a {@code .arrow} or {@code .parquet} file when no
   *     provider reads it (the {@code mixing-hf} module is missing)
   */
  static DocumentSourceProvider providerFor(Path path) {
    for (DocumentSourceProvider p : java.util.ServiceLoader.load(DocumentSourceProvider.class)) {
      if (p.accepts(path)) {
        return p;
      }
    }
    String name = path.getFileName() == null ? "" : path.getFileName().toString()
        .toLowerCase(Locale.ROOT);
    if (name.endsWith(".arrow") || name.endsWith(".parquet")) {
      throw new IllegalArgumentException("source " + path + " is an Arrow or Parquet file, but "
          + "no reader for it is on the class path: add the dev.datamix:mixing-hf module");
    }
    return null;
  }

  /** The source of one file; JSONL if its name ends in {@code .jsonl} or {@code .jsonl.gz}. */
  public static DocumentSource of(Path file, String textField, String separator) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    String bare = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
    boolean jsonl = bare.endsWith(".jsonl") || bare.endsWith(".ndjson");
    return jsonl ? new JsonlFile(file, textField) : new TextFile(file, separator);
  }

  /**
   * The split a file's name ({@code name.train.ext}, {@code train-00000-of-00001.parquet}) or
   * parent directory ({@code train/}) names, if any.
   */
  public static Optional<Split> splitOf(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    Matcher m = SPLIT_IN_NAME.matcher(name);
    if (m.find()) {
      return Optional.of(Split.fromId(m.group(1)));
    }
    Path parent = file.getParent();
    if (parent != null && parent.getFileName() != null) {
      String dir = parent.getFileName().toString().toLowerCase(Locale.ROOT);
      if (dir.matches("train|val|valid|validation|test")) {
        return Optional.of(Split.fromId(dir));
      }
    }
    return Optional.empty();
  }

  private static Utf8Lines open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    try {
      if (file.getFileName().toString().endsWith(".gz")) {
        in = new GZIPInputStream(in, 1 << 16);
      }
    } catch (IOException e) {
      in.close();
      throw new IOException("source file " + file + " is not valid gzip: " + e.getMessage(), e);
    }
    return new Utf8Lines(in);
  }

  /** A text file; documents end at a separator line or at the end of the file. */
  static final class TextFile extends FileDocumentSource {
    private final String separator;

    TextFile(Path file, String separator) {
      super(file);
      this.separator = separator;
    }

    @Override
    public void forEach(DocumentSink sink) throws IOException {
      forEachDocument(open(file()), separator, sink);
    }
  }

  /**
   * Passes the documents of text {@code in} to {@code sink}: a document ends at a line holding
   * exactly {@code separator} or at the end; lines keep their {@code \n}. Closes {@code in}.
   * The one reading of text files, also used by the Spark preparation.
   */
  public static void forEachDocument(InputStream in, String separator,
      DocumentSource.DocumentSink sink)
      throws IOException {
    forEachDocument(new Utf8Lines(in), separator, sink);
  }

  private static void forEachDocument(Utf8Lines lines, String separator,
      DocumentSource.DocumentSink sink)
      throws IOException {
    try (Utf8Lines r = lines) {
      StringBuilder doc = new StringBuilder();
      long invalid = 0;
      long firstInvalidLine = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.equals(separator)) {
          sink.accept(doc.toString(), invalid, firstInvalidLine);
          doc.setLength(0);
          invalid = 0;
          firstInvalidLine = 0;
        } else {
          doc.append(line).append('\n');
          if (r.lineInvalid() > 0 && invalid == 0) {
            firstInvalidLine = r.lineNumber();
          }
          invalid += r.lineInvalid();
        }
      }
      if (doc.length() > 0) {
        sink.accept(doc.toString(), invalid, firstInvalidLine);
      }
    }
  }

  /** A JSONL file; each non-blank line is an object whose {@code textField} is a document. */
  static final class JsonlFile extends FileDocumentSource {
    private final String textField;

    JsonlFile(Path file, String textField) {
      super(file);
      this.textField = textField;
    }

    @Override
    public void forEach(DocumentSink sink) throws IOException {
      try (Utf8Lines r = open(file())) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          long lineNo = r.lineNumber();
          if (line.isBlank()) {
            continue;
          }
          JsonNode node;
          try {
            node = Json.mapper().readTree(line);
          } catch (IOException e) {
            throw new IllegalArgumentException(
                "source file " + file() + " line " + lineNo + " is not valid JSON", e);
          }
          JsonNode text = node == null ? null : node.get(textField);
          if (text == null || !text.isTextual()) {
            throw new IllegalArgumentException("source file " + file() + " line " + lineNo
                + " has no string field '" + textField + "'");
          }
          sink.accept(text.textValue(), r.lineInvalid(), r.lineInvalid() > 0 ? lineNo : 0);
        }
      }
    }
  }
}
