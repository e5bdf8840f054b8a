package dev.datamix.djl.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import dev.datamix.state.Json;
import dev.datamix.tokenizer.Tokenizer;
import dev.datamix.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A Hugging Face {@code tokenizer.json} of any model (BPE, byte-fallback BPE as in Llama and
 * Mistral, Unigram, WordPiece), encoded by the Rust {@code tokenizers} library through DJL ({@code
 * ai.djl.huggingface:tokenizers}, its native library inside the jar: nothing is downloaded).
 *
 * <ul>
 *   <li><b>No truncation, no padding, no special tokens added</b>: DJL turns truncation and
 *       padding on by default, which would cut documents at the model's maximum length; a corpus
 *       needs every token. The end-of-text token is appended by {@code prepare}, once per
 *       document.
 *   <li><b>End of text</b>: the token named by {@code eos_token} in the {@code
 *       tokenizer_config.json} beside the file, or given explicitly; else the first added token
 *       among {@code <|endoftext|>}, {@code <|end_of_text|>}, {@code </s>}, {@code <eos>},
 *       {@code [SEP]}. A tokenizer without one is refused, naming the candidates.
 *   <li><b>Vocabulary size</b>: one more than the largest id of the model's vocabulary and the
 *       added tokens.
 *   <li><b>No usage tracking</b>: DJL's {@code Ec2Utils.callHome} is switched off ({@code
 *       OPT_OUT_TRACKING}) before the first tokenizer is made.
 * </ul>
 *
 * @see <a href="https://github.com/huggingface/tokenizers">huggingface/tokenizers</a>
 */
public final class HuggingFaceTokenizer implements Tokenizer {
  private static final String[] END_OF_TEXT = {"<|endoftext|>", "<|end_of_text|>", "</s>",
      "<eos>", "[SEP]"};

  private final ai.djl.huggingface.tokenizers.HuggingFaceTokenizer tokenizer;
  private final Path file;
  private final String sha256;
  private final int vocabSize;
  private final int eot;
  private final String eotText;
  private final String model;

  private HuggingFaceTokenizer(ai.djl.huggingface.tokenizers.HuggingFaceTokenizer tokenizer,
      Path file, String sha256, int vocabSize, int eot, String eotText, String model) {
    this.tokenizer = tokenizer;
    this.file = file;
    this.sha256 = sha256;
    this.vocabSize = vocabSize;
    this.eot = eot;
    this.eotText = eotText;
    this.model = model;
  }

  /**
   * Loads {@code file}.
   *
   * @param endOfText the end-of-text token's text, or null to find it (see the class comment)
   * @throws IllegalArgumentException naming the file: not a tokenizer.json, no such
   *     end-of-text token, or none found
   * @throws IOException if the file cannot be read
   */
  public static HuggingFaceTokenizer load(Path file, String endOfText) throws IOException {
    byte[] raw = Files.readAllBytes(file);
    JsonNode root;
    try {
      root = Json.mapper().readTree(raw);
    } catch (IOException e) {
      throw new IllegalArgumentException("tokenizer file " + file + " is not valid JSON", e);
    }
    String type = root.path("model").path("type").asText();
    if (type.isEmpty()) {
      throw new IllegalArgumentException("tokenizer file " + file + " has no model.type; is "
          + "it a Hugging Face tokenizer.json?");
    }
    int vocab = vocabSize(root);
    String eotText = endOfText != null ? endOfText : endOfText(root, file);
    int eot = idOf(root, eotText);
    if (eot < 0) {
      throw new IllegalArgumentException("tokenizer file " + file + " has no token '" + eotText
          + "' for the end of text");
    }
    if (System.getProperty("OPT_OUT_TRACKING") == null) {
      System.setProperty("OPT_OUT_TRACKING", "true"); // DJL's Ec2Utils.callHome reads it
    }
    ai.djl.huggingface.tokenizers.HuggingFaceTokenizer t =
        ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.builder().optTokenizerPath(file)
            .optTruncation(false).optPadding(false).optAddSpecialTokens(false)
            .optWithOverflowingTokens(false).build();
    return new HuggingFaceTokenizer(t, file, Tokenizers.sha256(raw), vocab, eot, eotText,
        type);
  }

  /** One more than the largest id of the model's vocabulary and of the added tokens. */
  static int vocabSize(JsonNode root) {
    int max = -1;
    JsonNode vocab = root.path("model").path("vocab");
    if (vocab.isObject()) { // BPE, WordPiece, WordLevel: token → id
      for (JsonNode id : vocab) {
        max = Math.max(max, id.asInt());
      }
    } else if (vocab.isArray()) { // Unigram: [piece, score], the id is the position
      max = vocab.size() - 1;
    }
    for (JsonNode added : root.path("added_tokens")) {
      max = Math.max(max, added.path("id").asInt());
    }
    return max + 1;
  }

  private static String endOfText(JsonNode root, Path file) throws IOException {
    Path config = file.resolveSibling("tokenizer_config.json");
    if (Files.isRegularFile(config)) {
      JsonNode eos = Json.read(config).path("eos_token");
      String text = eos.isTextual() ? eos.asText() : eos.path("content").asText();
      if (!text.isEmpty()) {
        return text;
      }
    }
    for (String candidate : END_OF_TEXT) {
      if (idOf(root, candidate) >= 0) {
        return candidate;
      }
    }
    throw new IllegalArgumentException("tokenizer file " + file + " names no end-of-text token: "
        + "no eos_token in a tokenizer_config.json beside it, and none of "
        + String.join(", ", END_OF_TEXT) + "; name one (prepare --eot-token)");
  }

  private static int idOf(JsonNode root, String text) {
    for (JsonNode added : root.path("added_tokens")) {
      if (added.path("content").asText().equals(text)) {
        return added.path("id").asInt();
      }
    }
    JsonNode vocab = root.path("model").path("vocab");
    if (vocab.isObject() && vocab.has(text)) {
      return vocab.get(text).asInt();
    }
    for (int i = 0; vocab.isArray() && i < vocab.size(); i++) {
      if (vocab.get(i).path(0).asText().equals(text)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public String name() {
    return "hf:" + file.getFileName().toString().replaceFirst("\\.json$", "") + " ("
        + model + ")";
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public int eotToken() {
    return eot;
  }

  /**
   * The ids, straight from the native encoding: DJL's {@code encode} also copies out the tokens,
   * offsets, masks and word ids of every encoding, which made it 14 times slower than jtokkit
   * on GPT-2 (docs/benchmarks-ingest.md). The text goes in unchanged: no lower-casing, accent
   * stripping or prefix space is configured on this tokenizer.
   */
  @Override
  public int[] encode(String text) {
    long encoding = TokenizersLibrary.LIB.encode(tokenizer.getHandle(), text, false);
    long[] ids;
    try {
      ids = TokenizersLibrary.LIB.getTokenIds(encoding);
    } finally {
      TokenizersLibrary.LIB.deleteEncoding(encoding);
    }
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }

  @Override
  public String decode(int[] tokens, int from, int to) {
    long[] ids = new long[to - from];
    for (int i = from; i < to; i++) {
      if (tokens[i] < 0 || tokens[i] >= vocabSize) {
        throw new IllegalArgumentException("token " + tokens[i] + " at position " + i
            + " is outside the vocabulary of " + vocabSize);
      }
      ids[i - from] = tokens[i];
    }
    return tokenizer.decode(ids, false);
  }

  /** SHA-256 of the tokenizer file, recorded in manifests. */
  public String sha256() {
    return sha256;
  }

  @Override
  public ObjectNode spec() {
    ObjectNode o = Json.object();
    o.put("kind", HuggingFaceTokenizers.KIND);
    o.put("file", file.getFileName().toString());
    o.put("sha256", sha256);
    o.put("model", model);
    o.put("endOfText", eotText);
    o.put("vocabSize", vocabSize);
    o.put("eotToken", eot);
    return o;
  }

  @Override
  public Optional<Path> file() {
    return Optional.of(file);
  }
}
