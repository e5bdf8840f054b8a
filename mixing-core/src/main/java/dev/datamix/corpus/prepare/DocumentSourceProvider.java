package dev.datamix.corpus.prepare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a data format that mixing-core does not, found through {@link java.util.ServiceLoader}:
 * {@link FileSources#under} asks every provider on the class path before it treats a path as
 * text or JSONL. The {@code mixing-hf} module provides Hugging Face datasets ({@code
 * save_to_disk} directories of Arrow stream files, and Parquet files).
 */
public interface DocumentSourceProvider {

  /** The formats read, for messages, for example {@code "Hugging Face Arrow and Parquet"}. */
  String formats();

  /**
   * Whether this provider reads {@code path}: a file, or a directory it reads as a whole (a
   * directory it does not claim is walked file by file, and each file is offered again).
   */
  boolean accepts(Path path);

  /**
   * The documents of {@code path}, in order.
   *
   * @param textField the column or field holding the text
   * @throws IOException if the path cannot be read
   * @throws IllegalArgumentException naming the path and the problem, for example a missing
   *     text column with the columns there are
   */
  List<DocumentSource> sources(Path path, String textField) throws IOException;
}
