package dev.datamix.hf;

import dev.datamix.corpus.Split;
import dev.datamix.corpus.prepare.FileDocumentSource;
import dev.datamix.corpus.prepare.Utf8Decoder;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ViewVarCharVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * One Arrow IPC <em>stream</em> file (what {@code datasets} writes: {@code
 * data-00000-of-00001.arrow}), read with Arrow Java's {@link ArrowStreamReader} one record batch
 * at a time. Each non-null value of the text column ({@code string}, {@code large_string} or
 * {@code string_view}) is a document; nulls are skipped. Malformed UTF-8 becomes U+FFFD and is
 * counted, the row named as the "line".
 *
 * @see <a href="https://arrow.apache.org/docs/format/Columnar.html#ipc-streaming-format">Arrow's
 *     IPC streaming format</a>
 */
final class ArrowStreamSource extends FileDocumentSource {
  private final String column;
  private final Optional<Split> split;

  /** The stream file {@code file}, its text in {@code column}, its documents in {@code split}. */
  ArrowStreamSource(Path file, String column, Optional<Split> split) {
    super(file);
    this.column = column;
    this.split = split;
  }

  @Override
  public Optional<Split> fixedSplit() {
    return split;
  }

  /** The JVM option Arrow Java's memory module needs on Java 17 and later. */
  static final String ADD_OPENS = "--add-opens=java.base/java.nio=ALL-UNNAMED";

  @Override
  public void forEach(DocumentSink sink) throws IOException {
    try {
      read(sink);
    } catch (UnsupportedOperationException | ExceptionInInitializerError e) {
      throw new IllegalStateException("Arrow Java cannot reach direct memory in this JVM, so "
          + file() + " cannot be read: start Java with " + ADD_OPENS + " (./datamix does; "
          + "docs/corpus-format.md)", e);
    }
  }

  private void read(DocumentSink sink) throws IOException {
    Utf8Decoder decoder = new Utf8Decoder();
    long row = 0;
    try (BufferAllocator allocator = new RootAllocator();
        InputStream in = new BufferedInputStream(Files.newInputStream(file()), 1 << 16);
        ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
      VectorSchemaRoot root;
      try {
        root = reader.getVectorSchemaRoot();
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("source " + file() + " is not an Arrow IPC stream file "
            + "(the format datasets.save_to_disk writes): " + e.getMessage(), e);
      }
      FieldVector vector = textVector(root);
      while (reader.loadNextBatch()) {
        int n = root.getRowCount();
        for (int i = 0; i < n; i++, row++) {
          if (vector.isNull(i)) {
            continue;
          }
          byte[] bytes = value(vector, i);
          String text = decoder.decode(bytes, 0, bytes.length);
          sink.accept(text, decoder.invalid(), decoder.invalid() > 0 ? row + 1 : 0);
        }
      }
    }
  }

  private FieldVector textVector(VectorSchemaRoot root) {
    FieldVector v = root.getVector(column);
    if (v == null) {
      throw new IllegalArgumentException("source " + file() + " has no column '" + column
          + "' (--text-field); its columns: " + root.getSchema().getFields().stream()
          .map(Field::getName).toList());
    }
    if (!(v instanceof VarCharVector || v instanceof LargeVarCharVector
        || v instanceof ViewVarCharVector)) {
      throw new IllegalArgumentException("source " + file() + " column '" + column + "' holds "
          + v.getField().getType() + ", not text (string, large_string or string_view)");
    }
    return v;
  }

  private static byte[] value(FieldVector v, int i) {
    if (v instanceof VarCharVector s) {
      return s.get(i);
    }
    if (v instanceof LargeVarCharVector s) {
      return s.get(i);
    }
    return ((ViewVarCharVector) v).get(i);
  }
}
