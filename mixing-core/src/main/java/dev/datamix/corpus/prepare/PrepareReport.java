package dev.datamix.corpus.prepare;

import dev.datamix.corpus.CorpusManifest;
import dev.datamix.corpus.Split;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@link CorpusPreparer} wrote: per domain and split, documents, bytes, tokens, blocks and
 * the malformed UTF-8 sequences replaced by U+FFFD.
 *
 * @param directory the corpus directory
 * @param manifest its manifest
 * @param seconds wall time of the run
 */
public record PrepareReport(Path directory, CorpusManifest manifest, double seconds) {

  /** A fixed-width table, one line per domain and split. */
  public List<String> table() {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%-16s %-5s %10s %14s %14s %10s %8s %10s", "domain",
        "split", "documents", "bytes", "tokens", "blocks", "bytes/tok", "bad utf-8"));
    for (CorpusManifest.DomainEntry d : manifest.domains()) {
      for (Split s : Split.values()) {
        CorpusManifest.SplitEntry e = d.split(s);
        lines.add(String.format(Locale.ROOT, "%-16s %-5s %,10d %,14d %,14d %,10d %8.3f %,10d",
            d.name(), s.id(), e.documents(), e.bytes(), e.tokens(), manifest.blocks(e.tokens()),
            e.tokens() == 0 ? 0.0 : (double) e.bytes() / e.tokens(), e.invalidUtf8()));
      }
    }
    return lines;
  }
}
