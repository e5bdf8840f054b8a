package dev.datamix.corpus.prepare;

import dev.datamix.corpus.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A document source read from one file: named by its path, sized by the file, and in the split
 * its name or directory gives ({@link FileSources#splitOf}). Text and JSONL files here, Arrow and
 * Parquet files in {@code mixing-hf}.
 */
public abstract class FileDocumentSource implements DocumentSource {
  private final Path file;

  /** A source reading {@code file}. */
  protected FileDocumentSource(Path file) {
    this.file = file;
  }

  /** The file. */
  public Path file() {
    return file;
  }

  @Override
  public String name() {
    return file.toString();
  }

  @Override
  public Optional<Split> fixedSplit() {
    return FileSources.splitOf(file);
  }

  @Override
  public long sizeBytes() {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }
}
