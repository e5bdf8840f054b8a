package dev.datamix.hf;

import dev.datamix.state.AtomicFiles;
import dev.datamix.state.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;

/**
 * Writes documents in the Hugging Face formats {@link HuggingFaceSources} reads: a {@code
 * save_to_disk} directory of one split (an Arrow stream file of one {@code text} column, {@code
 * state.json}, {@code dataset_info.json}), and a Parquet file through DuckDB. For the benchmark
 * that measures ingestion on real text and the command-line tests; the readers' own tests use
 * fixtures from independent writers instead.
 */
public final class DatasetWriters {
  private static final int BATCH_ROWS = 1000; // what datasets' ArrowWriter writes per batch

  private DatasetWriters() {}

  /**
   * Writes {@code documents} as a {@code save_to_disk} directory of split {@code split} into the
   * new or empty directory {@code dir}.
   */
  public static void saveToDisk(Iterator<String> documents, String split, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    String data = "data-00000-of-00001.arrow";
    try (BufferAllocator allocator = new RootAllocator();
        VarCharVector text = new VarCharVector("text", allocator);
        VectorSchemaRoot root = VectorSchemaRoot.of(text);
        OutputStream out = Files.newOutputStream(dir.resolve(data));
        ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
      writer.start();
      while (documents.hasNext()) {
        text.reset();
        int n = 0;
        for (; n < BATCH_ROWS && documents.hasNext(); n++) {
          text.setSafe(n, documents.next().getBytes(StandardCharsets.UTF_8));
        }
        root.setRowCount(n);
        writer.writeBatch();
      }
      writer.end();
    }
    AtomicFiles.writeString(dir.resolve("state.json"), Json.write(Json.parse(
        "{\"_data_files\": [{\"filename\": \"" + data + "\"}], \"_split\": " + Json.mapper()
            .writeValueAsString(split) + "}")));
    AtomicFiles.writeString(dir.resolve("dataset_info.json"), Json.write(Json.parse(
        "{\"features\": {\"text\": {\"dtype\": \"string\", \"_type\": \"Value\"}}}")));
  }

  /** Writes {@code documents} as a Parquet file of one {@code text} column (zstd). */
  public static void parquet(List<String> documents, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("SET preserve_insertion_order = true");
      s.execute("CREATE TABLE docs (text VARCHAR)");
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO docs VALUES (?)")) {
        for (String d : documents) {
          insert.setString(1, d);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      s.execute("COPY docs TO '" + file.toAbsolutePath().toString().replace("'", "''")
          + "' (FORMAT PARQUET, COMPRESSION ZSTD)");
    } catch (SQLException e) {
      throw new IOException("cannot write Parquet file " + file + ": " + e.getMessage(), e);
    }
  }
}
