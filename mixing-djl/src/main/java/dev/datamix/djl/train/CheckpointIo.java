package dev.datamix.djl.train;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import dev.datamix.state.AtomicFiles;

/**
 * The two file operations every checkpoint write goes through: creating a file and renaming a
 * finished temporary into place. The default, {@link #fileSystem()}, forces each file to disk
 * when it is closed and renames atomically where the file system can. A trainer may be given
 * another (through {@link MixingTrainerBuilder#optCheckpointIo}) to write elsewhere, or to
 * inject failures in tests: a full disk, a crash before the rename.
 */
public interface CheckpointIo {

  /** Opens {@code file} for writing, replacing it. */
  OutputStream create(Path file) throws IOException;

  /** Renames the finished {@code from} (a file or directory) to {@code to}. */
  void rename(Path from, Path to) throws IOException;

  /** The local file system, with files forced to disk on close. */
  static CheckpointIo fileSystem() {
    return new CheckpointIo() {
      @Override
      public OutputStream create(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        return new FilterOutputStream(Channels.newOutputStream(channel)) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            try {
              out.flush();
              channel.force(true);
            } finally {
              super.close();
            }
          }
        };
      }

      @Override
      public void rename(Path from, Path to) throws IOException {
        AtomicFiles.move(from, to);
      }
    };
  }
}
