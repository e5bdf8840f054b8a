package dev.datamix.corpus.prepare;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A one-line progress bar of a prepare run, redrawn as files finish; thread-safe. */
final class PrepareProgress {
  private final PrintStream progress;
  private final int files;
  private final long bytes;
  private final AtomicInteger filesDone = new AtomicInteger();
  private final AtomicLong bytesDone = new AtomicLong();
  private final long start = System.nanoTime();

  PrepareProgress(PrintStream progress, int files, long bytes) {
    this.progress = progress;
    this.files = files;
    this.bytes = Math.max(1, bytes);
  }

  /** One more file of {@code size} bytes is done. */
  void fileDone(long size) {
    int f = filesDone.incrementAndGet();
    long b = bytesDone.addAndGet(size);
    if (progress != null) {
      double secs = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
      int width = 30;
      int filled = (int) (width * Math.min(1.0, (double) b / bytes));
      synchronized (progress) {
        progress.printf(Locale.ROOT, "\rprepare [%s%s] %d/%d files, %.1f/%.1f MB, %.1f MB/s",
            "#".repeat(filled), " ".repeat(width - filled), f, files, b / 1e6, bytes / 1e6,
            b / 1e6 / secs);
        progress.flush();
      }
    }
  }

  /** Ends the bar's line. */
  void finish() {
    if (progress != null) {
      progress.println();
    }
  }
}
