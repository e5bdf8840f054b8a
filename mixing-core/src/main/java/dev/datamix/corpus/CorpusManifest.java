package dev.datamix.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code manifest.json} of a corpus directory: token type, vocabulary, block length, the
 * tokenizer used, and per domain and split the shard files with their token counts, documents,
 * UTF-8 bytes (so losses can be reported in bits per byte) and the malformed UTF-8 sequences the
 * source text held ({@code invalidUtf8}; absent in manifests written before it was counted).
 *
 * @param dtype token type of every shard
 * @param vocabSize number of token ids; every token is {@code < vocabSize}
 * @param blockLength tokens per block (a block reads {@code blockLength + 1} tokens: inputs and
 *     shifted targets)
 * @param eotToken the end-of-text token separating documents
 * @param tokenizer the tokenizer's spec, as written by {@code Tokenizer.spec()}
 * @param domains the domains, in order
 */
public record CorpusManifest(TokenDtype dtype, int vocabSize, int blockLength, int eotToken,
    JsonNode tokenizer, List<DomainEntry> domains) {
  /** The {@code format} field of a manifest. */
  public static final String FORMAT = "datamix-corpus";
  /** The format version written, and the newest read. */
  public static final int FORMAT_VERSION = 1;
  /** The manifest's file name inside a corpus directory. */
  public static final String FILE_NAME = "manifest.json";

  /** Validates the fields. */
  public CorpusManifest {
    if (vocabSize <= 0 || vocabSize > dtype.maxVocab()) {
      throw new IllegalArgumentException("vocabSize must be in [1, " + dtype.maxVocab() + "] for "
          + dtype.id() + ", got " + vocabSize);
    }
    if (blockLength <= 0) {
      throw new IllegalArgumentException("blockLength must be > 0, got " + blockLength);
    }
    if (eotToken < 0 || eotToken >= vocabSize) {
      throw new IllegalArgumentException(
          "eotToken must be in [0, vocabSize " + vocabSize + "), got " + eotToken);
    }
    tokenizer = tokenizer.deepCopy();
    domains = List.copyOf(domains);
    if (domains.isEmpty()) {
      throw new IllegalArgumentException("a corpus needs at least one domain, got none");
    }
    Set<String> names = new HashSet<>();
    for (DomainEntry d : domains) {
      if (!names.add(d.name())) {
        throw new IllegalArgumentException("duplicate domain name '" + d.name() + "'");
      }
    }
  }

  /** The tokenizer spec (a copy). */
  @Override
  public JsonNode tokenizer() {
    return tokenizer.deepCopy();
  }

  /**
   * The entry of domain {@code name}.
   *
   * @throws IllegalArgumentException listing the known domains
   */
  public DomainEntry domain(String name) {
    for (DomainEntry d : domains) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown domain '" + name + "'; corpus domains: "
        + domains.stream().map(DomainEntry::name).toList());
  }

  /** Blocks of a split of {@code tokens} tokens: {@code floor((tokens − 1) / blockLength)}. */
  public long blocks(long tokens) {
    return tokens <= blockLength ? 0 : (tokens - 1) / blockLength;
  }

  /** The manifest as JSON. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("format", FORMAT);
    o.put("formatVersion", FORMAT_VERSION);
    o.put("dtype", dtype.id());
    o.put("vocabSize", vocabSize);
    o.put("blockLength", blockLength);
    o.put("eotToken", eotToken);
    o.set("tokenizer", tokenizer.deepCopy());
    ArrayNode ds = o.putArray("domains");
    for (DomainEntry d : domains) {
      ObjectNode dn = ds.addObject();
      dn.put("name", d.name());
      ObjectNode splits = dn.putObject("splits");
      for (Split split : Split.values()) {
        SplitEntry s = d.splits().get(split);
        if (s == null) {
          continue;
        }
        ObjectNode sn = splits.putObject(split.id());
        sn.put("documents", s.documents());
        sn.put("bytes", s.bytes());
        sn.put("tokens", s.tokens());
        sn.put("blocks", blocks(s.tokens()));
        sn.put("invalidUtf8", s.invalidUtf8());
        ArrayNode shards = sn.putArray("shards");
        for (ShardEntry sh : s.shards()) {
          ObjectNode shn = shards.addObject().put("file", sh.file()).put("tokens", sh.tokens());
          if (sh.megatron() != null) {
            shn.put("format", "megatron");
            shn.putArray("documents").add(sh.megatron().firstDocument())
                .add(sh.megatron().endDocument());
          }
        }
      }
    }
    return o;
  }

  /**
   * Reads a manifest.
   *
   * @param source names the file in error messages
   * @throws CorpusException naming the source and the bad field
   */
  public static CorpusManifest fromJson(JsonNode json, String source) {
    try {
      StateReader r = StateReader.of(json, "manifest");
      String format = r.getString("format");
      if (!FORMAT.equals(format)) {
        throw new CorpusException(source + ": format expected " + FORMAT + " but found " + format);
      }
      int version = r.getInt("formatVersion");
      if (version > FORMAT_VERSION) {
        throw new CorpusException(source + ": formatVersion expected <= " + FORMAT_VERSION
            + " but found " + version + " (written by a newer datamix)");
      }
      TokenDtype dtype = TokenDtype.fromId(r.getString("dtype"));
      List<DomainEntry> domains = new ArrayList<>();
      JsonNode ds = r.field("domains");
      for (int i = 0; i < ds.size(); i++) {
        StateReader d = StateReader.of(ds.get(i), "manifest.domains[" + i + "]");
        Map<Split, SplitEntry> splits = new EnumMap<>(Split.class);
        StateReader sr = d.object("splits");
        for (var it = sr.node().fieldNames(); it.hasNext(); ) {
          String id = it.next();
          StateReader s = sr.object(id);
          List<ShardEntry> shards = new ArrayList<>();
          for (JsonNode sh : s.field("shards")) {
            shards.add(shardOf(StateReader.of(sh, "shard")));
          }
          long invalid = s.node().has("invalidUtf8") ? s.getLong("invalidUtf8") : 0;
          SplitEntry entry = new SplitEntry(shards, s.getLong("documents"), s.getLong("bytes"),
              invalid);
          if (entry.tokens() != s.getLong("tokens")) {
            throw new CorpusException(source + ": domain '" + d.getString("name") + "' split "
                + id + " records " + s.getLong("tokens") + " tokens but its shards sum to "
                + entry.tokens());
          }
          splits.put(Split.fromId(id), entry);
        }
        domains.add(new DomainEntry(d.getString("name"), splits));
      }
      return new CorpusManifest(dtype, r.getInt("vocabSize"), r.getInt("blockLength"),
          r.getInt("eotToken"), r.field("tokenizer"), domains);
    } catch (IncompatibleStateException | IllegalArgumentException e) {
      if (e instanceof CorpusException) {
        throw e;
      }
      throw new CorpusException(source + ": " + e.getMessage(), e);
    }
  }

  private static ShardEntry shardOf(StateReader r) {
    String format = r.node().path("format").asText("datamix");
    switch (format) {
      case "datamix":
        return new ShardEntry(r.getString("file"), r.getLong("tokens"));
      case "megatron":
        long[] docs = r.getLongs("documents", 2);
        return new ShardEntry(r.getString("file"), r.getLong("tokens"),
            new MegatronSlice(docs[0], docs[1]));
      default:
        throw new IllegalArgumentException("shard format must be 'datamix' or 'megatron', got '"
            + format + "'");
    }
  }

  /**
   * One token file of a split, or one document range of a Megatron indexed dataset read in
   * place.
   *
   * @param file a datamix shard: its path relative to the corpus directory, with {@code /}
   *     separators; a Megatron slice: the dataset's prefix (its {@code .bin} and {@code .idx}
   *     without the extension), absolute or relative to the corpus directory
   * @param tokens number of tokens the file (or the slice) holds
   * @param megatron the document range of a Megatron dataset, or null for a datamix shard
   */
  public record ShardEntry(String file, long tokens, MegatronSlice megatron) {
    /** Validates the fields. */
    public ShardEntry {
      if (file == null || file.isBlank()) {
        throw new IllegalArgumentException("shard file must be non-blank, got '" + file + "'");
      }
      if (megatron == null && (file.startsWith("/") || file.contains(".."))) {
        throw new IllegalArgumentException(
            "shard file must be a relative path inside the corpus, got '" + file + "'");
      }
      if (tokens < 0) {
        throw new IllegalArgumentException("tokens of shard '" + file + "' must be >= 0, got "
            + tokens);
      }
    }

    /** A datamix shard file. */
    public ShardEntry(String file, long tokens) {
      this(file, tokens, null);
    }
  }

  /**
   * The documents of a Megatron indexed dataset that one split of a domain reads.
   *
   * @param firstDocument the first document, from 0
   * @param endDocument one past the last document
   */
  public record MegatronSlice(long firstDocument, long endDocument) {
    /** Validates the range. */
    public MegatronSlice {
      if (firstDocument < 0 || endDocument < firstDocument) {
        throw new IllegalArgumentException("Megatron document range must have 0 <= first <= end, "
            + "got [" + firstDocument + ", " + endDocument + ")");
      }
    }
  }

  /**
   * One split of a domain.
   *
   * @param shards the split's token files, concatenated in order
   * @param documents documents in the split
   * @param bytes UTF-8 bytes of the split's text before tokenization
   * @param invalidUtf8 malformed UTF-8 sequences in the source text, each replaced by U+FFFD
   */
  public record SplitEntry(List<ShardEntry> shards, long documents, long bytes,
      long invalidUtf8) {
    /** Validates the fields. */
    public SplitEntry {
      shards = List.copyOf(shards);
      if (documents < 0 || bytes < 0 || invalidUtf8 < 0) {
        throw new IllegalArgumentException("documents, bytes and invalidUtf8 must be >= 0, got "
            + documents + ", " + bytes + ", " + invalidUtf8);
      }
    }

    /** A split whose source text was valid UTF-8. */
    public SplitEntry(List<ShardEntry> shards, long documents, long bytes) {
      this(shards, documents, bytes, 0);
    }

    /** Tokens in the split: the sum over its shards. */
    public long tokens() {
      long t = 0;
      for (ShardEntry s : shards) {
        t += s.tokens();
      }
      return t;
    }
  }

  /**
   * One domain and its splits.
   *
   * @param name the domain's name
   * @param splits its splits; a split may be absent
   */
  public record DomainEntry(String name, Map<Split, SplitEntry> splits) {
    /** Validates and copies. */
    public DomainEntry {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("domain name must be non-blank, got '" + name + "'");
      }
      splits = Map.copyOf(splits.isEmpty() ? Map.of() : new EnumMap<>(splits));
    }

    /** The split, or an empty split if the domain has none. */
    public SplitEntry split(Split split) {
      SplitEntry s = splits.get(split);
      return s != null ? s : new SplitEntry(List.of(), 0, 0);
    }
  }
}
