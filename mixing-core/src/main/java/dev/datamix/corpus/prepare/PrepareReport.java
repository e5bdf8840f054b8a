package dev.datamix.corpus.prepare;

import dev.datamix.corpus.CorpusManifest;
import dev.datamix.corpus.Split;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@link CorpusPreparer} wrote: per domain and split, documents, bytes, tokens, blocks and
 * the malformed UTF-8 sequences replaced by U+FFFD. A split attached without counting its bytes
 * shows them as unknown: its losses are reported in nats per token only.
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
        boolean unknown = e.bytes() == 0 && e.tokens() > 0; // attached without counting bytes
        lines.add(String.format(Locale.ROOT, "%-16s %-5s %,10d %14s %,14d %,10d %8s %,10d",
            d.name(), s.id(), e.documents(), unknown ? "unknown" : String.format(Locale.ROOT,
                "%,d", e.bytes()), e.tokens(), manifest.blocks(e.tokens()), unknown ? "-"
                : String.format(Locale.ROOT, "%.3f", e.tokens() == 0 ? 0.0
                    : (double) e.bytes() / e.tokens()), e.invalidUtf8()));
      }
    }
    return lines;
  }
}
