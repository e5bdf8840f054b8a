package dev.datamix.corpus;

import dev.datamix.mixture.Domain;
import dev.datamix.random.Seeds;
import dev.datamix.state.Json;
import dev.datamix.util.SortedLongs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tokenised multi-domain corpus on disk, opened read-only: the manifest plus every shard,
 * memory-mapped. A domain's split is the concatenation of its shards, cut into blocks of {@code
 * blockLength} tokens; block {@code i} reads tokens {@code [i·L, i·L + L]} ({@code L + 1} tokens:
 * inputs and the targets shifted by one). Nothing is copied until a caller reads a block.
 *
 * <p>Opening checks every shard's size against the manifest and samples token ids against the
 * vocabulary; {@link #verifyVocabulary()} scans everything. Thread-safe for reads.
 */
public final class Corpus implements AutoCloseable {
  private static final int SAMPLE_EDGE_TOKENS = 4096;
  private static final int SAMPLE_WINDOWS = 16;
  private static final int SAMPLE_WINDOW_TOKENS = 512;

  private final Path directory;
  private final CorpusManifest manifest;
  private final List<Map<Split, SplitData>> data;

  private Corpus(Path directory, CorpusManifest manifest, List<Map<Split, SplitData>> data) {
    this.directory = directory;
    this.manifest = manifest;
    this.data = data;
  }

  /**
   * Opens the corpus in {@code directory}.
   *
   * @throws CorpusException naming the file (and offset) for a missing or malformed manifest, a
   *     missing, truncated or mis-sized shard, or a sampled token id outside the vocabulary
   */
  public static Corpus open(Path directory) {
    Path manifestFile = directory.resolve(CorpusManifest.FILE_NAME);
    if (!Files.isRegularFile(manifestFile)) {
      throw new CorpusException("no corpus manifest at " + manifestFile
          + " (prepare a corpus first, or point to its directory)");
    }
    CorpusManifest manifest;
    try {
      manifest = CorpusManifest.fromJson(Json.read(manifestFile), manifestFile.toString());
    } catch (IOException e) {
      throw new CorpusException("cannot read " + manifestFile + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      if (e instanceof CorpusException) {
        throw e;
      }
      throw new CorpusException(manifestFile + ": " + e.getMessage(), e);
    }
    return open(directory, manifest, TokenShard.DEFAULT_WINDOW_BITS, true);
  }

  static Corpus open(Path directory, CorpusManifest manifest, int windowBits,
      boolean sampleVocabulary) {
    List<Map<Split, SplitData>> data = new ArrayList<>();
    List<TokenShard> opened = new ArrayList<>();
    Map<Path, MegatronIndex> megatron = new HashMap<>();
    try {
      for (CorpusManifest.DomainEntry d : manifest.domains()) {
        Map<Split, SplitData> splits = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
          CorpusManifest.SplitEntry entry = d.split(split);
          TokenShard[] shards = new TokenShard[entry.shards().size()];
          for (int i = 0; i < shards.length; i++) {
            CorpusManifest.ShardEntry se = entry.shards().get(i);
            shards[i] = se.megatron() == null
                ? TokenShard.open(directory.resolve(se.file()), manifest.dtype(), se.tokens(),
                    windowBits)
                : openMegatron(directory, se, megatron, d.name() + "/" + split.id());
            opened.add(shards[i]);
            if (sampleVocabulary) {
              sampleVocabulary(shards[i], manifest.vocabSize());
            }
          }
          splits.put(split, new SplitData(shards));
        }
        data.add(splits);
      }
    } catch (RuntimeException e) {
      opened.forEach(TokenShard::close);
      throw e;
    }
    return new Corpus(directory, manifest, data);
  }

  /**
   * The document range of a Megatron dataset that a manifest entry names, read in place; the
   * index is opened once per dataset.
   */
  private static TokenShard openMegatron(Path directory, CorpusManifest.ShardEntry se,
      Map<Path, MegatronIndex> indexes, String where) {
    Path prefix = directory.resolve(se.file()).normalize();
    MegatronIndex index = indexes.computeIfAbsent(prefix, MegatronIndex::open);
    CorpusManifest.MegatronSlice slice = se.megatron();
    MegatronIndex.TokenRange range = index.documentTokens(slice.firstDocument(),
        slice.endDocument());
    if (range.tokens() != se.tokens()) {
      throw new CorpusException("Megatron dataset " + prefix + " documents ["
          + slice.firstDocument() + ", " + slice.endDocument() + ") of " + where + " hold "
          + range.tokens() + " tokens but the manifest records " + se.tokens()
          + ": the dataset was replaced or changed since the corpus was made");
    }
    return TokenShard.openRange(index.bin(), index.dtype(), range.byteOffset(), range.tokens());
  }

  private static void sampleVocabulary(TokenShard shard, int vocab) {
    long n = shard.tokens();
    shard.checkVocabulary(0, SAMPLE_EDGE_TOKENS, vocab);
    shard.checkVocabulary(n - SAMPLE_EDGE_TOKENS, SAMPLE_EDGE_TOKENS, vocab);
    if (n > 2L * SAMPLE_EDGE_TOKENS) {
      long key = Seeds.fingerprint(shard.file().getFileName().toString());
      for (int i = 0; i < SAMPLE_WINDOWS; i++) {
        long at = Long.remainderUnsigned(Seeds.hash(key, i), n);
        shard.checkVocabulary(at, SAMPLE_WINDOW_TOKENS, vocab);
      }
    }
  }

  /**
   * Scans every token of every shard against the vocabulary.
   *
   * @throws CorpusException naming the file, token index and byte offset of the first bad token
   */
  public void verifyVocabulary() {
    for (Map<Split, SplitData> splits : data) {
      for (SplitData s : splits.values()) {
        for (TokenShard shard : s.shards) {
          shard.checkVocabulary(0, shard.tokens(), manifest.vocabSize());
        }
      }
    }
  }

  /** The corpus directory. */
  public Path directory() {
    return directory;
  }

  /** The manifest. */
  public CorpusManifest manifest() {
    return manifest;
  }

  /** Tokens per block. */
  public int blockLength() {
    return manifest.blockLength();
  }

  /** Domain names, in manifest order (the index used by every other method). */
  public List<String> domainNames() {
    return manifest.domains().stream().map(CorpusManifest.DomainEntry::name).toList();
  }

  /** Index of the named domain. */
  public int domainIndex(String name) {
    int i = domainNames().indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException(
          "unknown domain '" + name + "'; corpus domains: " + domainNames());
    }
    return i;
  }

  /** Number of blocks of domain {@code d} in {@code split}. */
  public long blocks(int d, Split split) {
    return manifest.blocks(data.get(d).get(split).tokens);
  }

  /**
   * The domains of {@code split} as the sampler and policies see them: name, blocks, and tokens
   * ({@code blocks × blockLength}).
   *
   * @throws CorpusException naming the domain if it has no block in the split
   */
  public List<Domain> domains(Split split) {
    List<Domain> out = new ArrayList<>();
    List<String> names = domainNames();
    for (int d = 0; d < names.size(); d++) {
      long b = blocks(d, split);
      if (b == 0) {
        throw new CorpusException("domain '" + names.get(d) + "' has no block in split "
            + split.id() + " (" + data.get(d).get(split).tokens + " tokens, a block needs "
            + (blockLength() + 1) + ")");
      }
      out.add(Domain.ofBlocks(names.get(d), b, blockLength()));
    }
    return out;
  }

  /**
   * Checks that every domain has at least {@code batchBlocks} blocks in {@code split}.
   *
   * @throws CorpusException naming the domain, the split and both counts
   */
  public void requireBlocks(Split split, int batchBlocks) {
    List<String> names = domainNames();
    for (int d = 0; d < names.size(); d++) {
      long b = blocks(d, split);
      if (b < batchBlocks) {
        throw new CorpusException("domain '" + names.get(d) + "' has " + b + " blocks in split "
            + split.id() + ", fewer than one batch of " + batchBlocks + " blocks (files: "
            + data.get(d).get(split).fileNames() + ")");
      }
    }
  }

  /**
   * Copies block {@code block} of domain {@code d} in {@code split} ({@code blockLength + 1}
   * tokens) into {@code dst[offset..]}.
   *
   * @throws IndexOutOfBoundsException naming the domain and split if the block does not exist
   */
  public void readBlock(int d, Split split, long block, int[] dst, int offset) {
    long n = blocks(d, split);
    if (block < 0 || block >= n) {
      throw new IndexOutOfBoundsException("block " + block + " of domain '" + domainNames().get(d)
          + "' in split " + split.id() + " does not exist (it has " + n + " blocks)");
    }
    data.get(d).get(split).read(block * blockLength(), blockLength() + 1, dst, offset);
  }

  /**
   * Copies tokens {@code [from, from + count)} of domain {@code d}'s split, across shard
   * boundaries.
   */
  public void readTokens(int d, Split split, long from, int count, int[] dst, int offset) {
    data.get(d).get(split).read(from, count, dst, offset);
  }

  /** Tokens in domain {@code d}'s split. */
  public long tokens(int d, Split split) {
    return data.get(d).get(split).tokens;
  }

  /**
   * Converts a mean loss in nats per token to bits per byte for domain {@code d}'s split, with the
   * split's recorded UTF-8 bytes: the unit comparable across domains and tokenizers. NaN if the
   * split records no bytes (a Megatron domain attached without counting them): such a domain is
   * reported in nats per token only.
   */
  public double bitsPerByte(double natsPerToken, int d, Split split) {
    CorpusManifest.SplitEntry e = manifest.domains().get(d).split(split);
    if (e.bytes() == 0) {
      return Double.NaN;
    }
    return natsPerToken * e.tokens() / (e.bytes() * Math.log(2));
  }

  /** Whether domain {@code d}'s split records its text bytes (so bits per byte are known). */
  public boolean hasBytes(int d, Split split) {
    return manifest.domains().get(d).split(split).bytes() > 0;
  }

  @Override
  public void close() {
    for (Map<Split, SplitData> splits : data) {
      for (SplitData s : splits.values()) {
        for (TokenShard shard : s.shards) {
          shard.close();
        }
      }
    }
  }

  /** One split's shards, concatenated. */
  private static final class SplitData {
    final TokenShard[] shards;
    final long[] starts;
    final long tokens;

    SplitData(TokenShard[] shards) {
      this.shards = shards;
      this.starts = new long[shards.length + 1];
      for (int i = 0; i < shards.length; i++) {
        starts[i + 1] = starts[i] + shards[i].tokens();
      }
      this.tokens = starts[shards.length];
    }

    List<String> fileNames() {
      List<String> names = new ArrayList<>();
      for (TokenShard s : shards) {
        names.add(s.file().toString());
      }
      return names;
    }

    void read(long from, int count, int[] dst, int offset) {
      if (from < 0 || from + count > tokens) {
        throw new IndexOutOfBoundsException(
            "tokens [" + from + ", " + (from + count) + ") outside a split of " + tokens);
      }
      int s = shardOf(from);
      while (count > 0) {
        long local = from - starts[s];
        int n = (int) Math.min(count, shards[s].tokens() - local);
        if (n > 0) {
          shards[s].read(local, n, dst, offset);
        }
        count -= n;
        offset += n;
        from += n;
        s++;
      }
    }

    private int shardOf(long token) {
      return SortedLongs.floorIndex(starts, shards.length, token);
    }
  }
}
