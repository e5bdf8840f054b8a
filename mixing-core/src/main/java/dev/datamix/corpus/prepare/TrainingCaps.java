package dev.datamix.corpus.prepare;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.CorpusManifest;
import dev.datamix.corpus.Split;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.Json;
import dev.datamix.state.OutputDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A copy of a prepared corpus whose named domains keep only their first {@code n} training
 * blocks (validation and test unchanged): scarce data on purpose, for example the few
 * target-like blocks a DGA run repeats (Fan, Grangier and Ablin, 2024). Every other shard is
 * copied as it is; {@code manifest.json} is written last, so a directory without it is never
 * opened as a corpus. A capped split's UTF-8 bytes are its bytes in proportion to the tokens
 * kept.
 */
public final class TrainingCaps {
  /** The kind of output directory. */
  public static final OutputDirectory OUTPUT = new OutputDirectory("capped corpus",
      List.of("manifest.json"), false);

  private TrainingCaps() {}

  /**
   * Writes the capped copy of {@code source} to {@code out}.
   *
   * @param caps training blocks to keep per domain, each {@code >= 1}
   * @throws IllegalArgumentException naming the domain if it is unknown or its cap is below 1 or
   *     above its blocks
   * @throws dev.datamix.state.OutputExistsException if {@code out} holds a corpus and {@code
   *     mode} does not allow replacing it
   */
  public static void write(Path source, Path out, Map<String, Long> caps, ExistingOutput mode)
      throws IOException {
    try (Corpus corpus = Corpus.open(source)) {
      for (Map.Entry<String, Long> c : caps.entrySet()) {
        long have = corpus.blocks(corpus.domainIndex(c.getKey()), Split.TRAIN);
        if (c.getValue() < 1 || c.getValue() > have) {
          throw new IllegalArgumentException("cap of domain '" + c.getKey() + "' must be in [1, "
              + have + "] training blocks, got " + c.getValue());
        }
      }
      OUTPUT.claim(out, mode);
      CorpusManifest m = corpus.manifest();
      List<CorpusManifest.DomainEntry> domains = new ArrayList<>();
      for (CorpusManifest.DomainEntry d : m.domains()) {
        Map<Split, CorpusManifest.SplitEntry> splits = new LinkedHashMap<>();
        for (Map.Entry<Split, CorpusManifest.SplitEntry> s : d.splits().entrySet()) {
          Long cap = s.getKey() == Split.TRAIN ? caps.get(d.name()) : null;
          splits.put(s.getKey(), cap == null ? ShardWriter.copy(source, out, s.getValue())
              : capped(corpus, out, d.name(), s.getValue(), cap, m));
        }
        domains.add(new CorpusManifest.DomainEntry(d.name(), splits));
      }
      CorpusManifest capped = new CorpusManifest(m.dtype(), m.vocabSize(), m.blockLength(),
          m.eotToken(), m.tokenizer(), domains);
      AtomicFiles.writeString(out.resolve(CorpusManifest.FILE_NAME),
          Json.write(capped.toJson()));
    }
  }

  /** The first {@code cap} blocks (plus the token their last target reads) in one shard. */
  private static CorpusManifest.SplitEntry capped(Corpus corpus, Path out, String domain,
      CorpusManifest.SplitEntry s, long cap, CorpusManifest m) throws IOException {
    int d = corpus.domainIndex(domain);
    int tokens = Math.toIntExact(cap * m.blockLength() + 1);
    int[] buf = new int[tokens];
    corpus.readTokens(d, Split.TRAIN, 0, tokens, buf, 0);
    Files.createDirectories(out.resolve(domain));
    ShardWriter w = new ShardWriter(out, domain, "train-capped-" + cap, m.dtype(),
        m.vocabSize(), tokens);
    try (w) {
      w.write(buf, tokens);
    }
    return new CorpusManifest.SplitEntry(w.shards(), 0,
        Math.round((double) s.bytes() * tokens / s.tokens()));
  }
}
