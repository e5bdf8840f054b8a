package dev.datamix.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.GptBytePairEncodingParams;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.datamix.state.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * GPT-2-style byte-level BPE loaded from a local Hugging Face {@code tokenizer.json}, encoded with
 * the pure-Java jtokkit library (token ids match GPT-2's {@code r50k_base} ranks). Works with the
 * full GPT-2 vocabulary and with vocabularies cut to the first {@code k} merges. Never downloads.
 *
 * @see <a href="https://github.com/knuddelsgmbh/jtokkit">jtokkit</a>
 */
public final class BpeTokenizer implements Tokenizer {
  /** GPT-2's pre-tokenization pattern, as jtokkit writes it for the 50k encodings. */
  private static final String GPT2_PATTERN =
      "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

  private final String name;
  private final Encoding encoding;
  private final byte[][] tokenBytes;
  private final int eot;
  private final String sha256;
  private final String fileName;
  private final Path source;

  private BpeTokenizer(String name, Encoding encoding, byte[][] tokenBytes, int eot,
      String sha256, Path source) {
    this.name = name;
    this.encoding = encoding;
    this.tokenBytes = tokenBytes;
    this.eot = eot;
    this.sha256 = sha256;
    this.fileName = source.getFileName().toString();
    this.source = source;
  }

  /** The {@code tokenizer.json} this tokenizer was loaded from. */
  public Path source() {
    return source;
  }

  @Override
  public java.util.Optional<Path> file() {
    return java.util.Optional.of(source);
  }

  /**
   * Loads a byte-level BPE {@code tokenizer.json}.
   *
   * @throws IllegalArgumentException naming the file if it is not a byte-level BPE tokenizer with
   *     an {@code <|endoftext|>} token, or its vocabulary is not contiguous
   * @throws IOException if the file cannot be read
   */
  public static BpeTokenizer fromHuggingFaceJson(Path file) throws IOException {
    byte[] raw = Files.readAllBytes(file);
    JsonNode root;
    try {
      root = Json.mapper().readTree(raw);
    } catch (IOException e) {
      throw new IllegalArgumentException("tokenizer file " + file + " is not valid JSON", e);
    }
    JsonNode model = root.path("model");
    if (!"BPE".equals(model.path("type").asText())) {
      throw new IllegalArgumentException("tokenizer file " + file
          + " must hold a BPE model, found model.type '" + model.path("type").asText() + "'");
    }
    if (!"ByteLevel".equals(root.path("pre_tokenizer").path("type").asText())) {
      throw new IllegalArgumentException("tokenizer file " + file
          + " must use a ByteLevel pre-tokenizer (GPT-2 style), found "
          + root.path("pre_tokenizer").path("type"));
    }
    Map<Character, Integer> unicodeToByte = byteLevelDecoder();
    JsonNode vocab = model.path("vocab");
    int size = vocab.size();
    Map<String, Integer> specials = new HashMap<>();
    int eot = -1;
    for (JsonNode added : root.path("added_tokens")) {
      specials.put(added.path("content").asText(), added.path("id").asInt());
      if ("<|endoftext|>".equals(added.path("content").asText())) {
        eot = added.path("id").asInt();
      }
    }
    int vocabSize = size;
    for (int id : specials.values()) {
      vocabSize = Math.max(vocabSize, id + 1);
    }
    if (eot < 0) {
      throw new IllegalArgumentException(
          "tokenizer file " + file + " has no <|endoftext|> added token");
    }
    byte[][] tokenBytes = new byte[vocabSize][];
    Map<byte[], Integer> encoder = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      int id = e.getValue().asInt();
      if (specials.containsKey(e.getKey())) {
        continue;
      }
      if (id < 0 || id >= vocabSize || tokenBytes[id] != null) {
        throw new IllegalArgumentException(
            "tokenizer file " + file + " has an invalid or repeated id " + id);
      }
      byte[] bytes = toBytes(e.getKey(), unicodeToByte, file);
      tokenBytes[id] = bytes;
      encoder.put(bytes, id);
    }
    for (Map.Entry<String, Integer> s : specials.entrySet()) {
      tokenBytes[s.getValue()] = s.getKey().getBytes(StandardCharsets.UTF_8);
    }
    for (int id = 0; id < vocabSize; id++) {
      if (tokenBytes[id] == null) {
        throw new IllegalArgumentException(
            "tokenizer file " + file + " has no token with id " + id + " (ids must be contiguous)");
      }
    }
    String base = file.getFileName().toString().replaceFirst("\\.json$", "");
    String name = "bpe:" + base;
    Encoding encoding = Encodings.newLazyEncodingRegistry().registerGptBytePairEncoding(
        new GptBytePairEncodingParams(name, Pattern.compile(GPT2_PATTERN), encoder, Map.of()))
        .getEncoding(name).orElseThrow();
    return new BpeTokenizer(name, encoding, tokenBytes, eot, Tokenizers.sha256(raw), file);
  }

  private static byte[] toBytes(String token, Map<Character, Integer> map, Path file) {
    byte[] out = new byte[token.length()];
    for (int i = 0; i < token.length(); i++) {
      Integer b = map.get(token.charAt(i));
      if (b == null) {
        throw new IllegalArgumentException("tokenizer file " + file + " token '" + token
            + "' has a character outside GPT-2's byte-level alphabet");
      }
      out[i] = (byte) (int) b;
    }
    return out;
  }

  /** GPT-2's {@code bytes_to_unicode}, inverted: printable character → byte. */
  static Map<Character, Integer> byteLevelDecoder() {
    Map<Character, Integer> m = new HashMap<>();
    int n = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC)
          || (b >= 0xAE && b <= 0xFF);
      char c = printable ? (char) b : (char) (256 + n++);
      m.put(c, b);
    }
    return m;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int vocabSize() {
    return tokenBytes.length;
  }

  @Override
  public int eotToken() {
    return eot;
  }

  @Override
  public int[] encode(String text) {
    IntArrayList ids = encoding.encodeOrdinary(text);
    return ids.toArray();
  }

  @Override
  public String decode(int[] tokens, int from, int to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = from; i < to; i++) {
      int t = tokens[i];
      if (t < 0 || t >= tokenBytes.length) {
        throw new IllegalArgumentException("token " + t + " at position " + i
            + " is outside the vocabulary of " + tokenBytes.length);
      }
      out.writeBytes(tokenBytes[t]);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Exact for byte-level BPE: each token stands for fixed bytes. */
  @Override
  public long textBytes(int[] tokens, int from, int to) {
    long bytes = 0;
    for (int i = from; i < to; i++) {
      int t = tokens[i];
      if (t != eot) {
        if (t < 0 || t >= tokenBytes.length) {
          throw new IllegalArgumentException("token " + t + " at position " + i
              + " is outside the vocabulary of " + tokenBytes.length);
        }
        bytes += tokenBytes[t].length;
      }
    }
    return bytes;
  }

  /** SHA-256 of the tokenizer file, recorded in manifests. */
  public String sha256() {
    return sha256;
  }

  @Override
  public ObjectNode spec() {
    ObjectNode o = Json.object();
    o.put("kind", "bpe");
    o.put("file", fileName);
    o.put("sha256", sha256);
    o.put("vocabSize", vocabSize());
    o.put("eotToken", eot);
    return o;
  }
}
