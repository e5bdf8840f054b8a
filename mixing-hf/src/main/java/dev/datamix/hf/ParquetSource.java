package dev.datamix.hf;

import dev.datamix.corpus.prepare.FileDocumentSource;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * One Parquet file, its text column read in file order through an in-process DuckDB (no server,
 * nothing written): {@code SELECT text FROM read_parquet(file)} with streamed results, so memory
 * holds one result chunk, not the file. DuckDB keeps the rows in file order (its {@code
 * preserve_insertion_order}, on by default, is set explicitly) and runs one thread per source, as
 * {@code prepare} already runs one task per file. Each non-null value is a document; nulls are
 * skipped. The text column must be a string column (DuckDB {@code VARCHAR}).
 *
 * @see <a href="https://parquet.apache.org/docs/file-format/">Parquet's file format</a>
 */
final class ParquetSource extends FileDocumentSource {
  private final String column;

  /**
   * The Parquet file {@code file}, its text in {@code column}; a Hub file named {@code
   * train-00000-of-00001.parquet} (or in a {@code train/} directory) keeps that split.
   */
  ParquetSource(Path file, String column) {
    super(file);
    this.column = column;
  }

  @Override
  public void forEach(DocumentSink sink) throws IOException {
    String table = "read_parquet('" + file().toAbsolutePath().toString().replace("'", "''") + "')";
    Properties props = new Properties();
    props.setProperty("jdbc_stream_results", "true");
    props.setProperty("threads", "1");
    props.setProperty("preserve_insertion_order", "true");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:", props);
        Statement s = c.createStatement()) {
      checkColumn(s, table);
      try (ResultSet r = s.executeQuery("SELECT \"" + column.replace("\"", "\"\"") + "\" FROM "
          + table)) {
        while (r.next()) {
          String text = r.getString(1);
          if (text != null) {
            sink.accept(text, 0, 0);
          }
        }
      }
    } catch (SQLException e) {
      throw new IOException("cannot read Parquet file " + file() + ": " + e.getMessage(), e);
    }
  }

  private void checkColumn(Statement s, String table) throws SQLException {
    List<String> columns = new ArrayList<>();
    String type = null;
    try (ResultSet r = s.executeQuery("DESCRIBE SELECT * FROM " + table)) {
      while (r.next()) {
        columns.add(r.getString("column_name"));
        if (r.getString("column_name").equals(column)) {
          type = r.getString("column_type");
        }
      }
    }
    if (type == null) {
      throw new IllegalArgumentException("source " + file() + " has no column '" + column
          + "' (--text-field); its columns: " + columns);
    }
    if (!type.equals("VARCHAR")) {
      throw new IllegalArgumentException("source " + file() + " column '" + column + "' holds "
          + type + ", not text (a Parquet UTF-8 string column)");
    }
  }
}
