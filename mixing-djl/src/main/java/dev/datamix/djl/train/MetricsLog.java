package dev.datamix.djl.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.run.RunDirectory;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A run's {@code metrics.jsonl}: one JSON line per step, on disk as soon as the step ends. A
 * resumed run first drops the lines of the steps its checkpoint had not taken, through a
 * temporary file and a rename ({@link RunDirectory#retain}), so that a crash at any moment loses
 * no line of a step taken and never leaves a line of a step taken twice.
 */
final class MetricsLog implements Closeable {
  private final Path file;
  private final BufferedWriter out;

  private MetricsLog(Path file) throws IOException {
    this.file = file;
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** A new log in {@code run}, replacing any file there. */
  static MetricsLog create(RunDirectory run) throws IOException {
    Files.createDirectories(run.path());
    Files.deleteIfExists(run.metrics());
    return new MetricsLog(run.metrics());
  }

  /** The log of a run resumed at {@code step}: the lines of steps before it are kept. */
  static MetricsLog resume(RunDirectory run, long step) throws IOException {
    Files.createDirectories(run.path());
    RunDirectory.retain(run.metrics(), line -> line.path("step").asLong() < step);
    return new MetricsLog(run.metrics());
  }

  /** Appends one step's line and flushes it. */
  void write(ObjectNode line) {
    try {
      out.write(line.toString());
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Flushes what was written. */
  void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
