package dev.datamix.djl.tokenizer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Small Hugging Face {@code tokenizer.json} files of each model kind, written by the tests
 * themselves in the layout the {@code tokenizers} library saves: byte-fallback BPE with a
 * SentencePiece-style normalizer (as Llama 2 and Mistral ship), Unigram with a Metaspace
 * pre-tokenizer (as T5 and ALBERT ship), and WordPiece with BERT's normalizer.
 */
final class TokenizerFiles {
  static final String SPACE = "\u2581";

  private TokenizerFiles() {}

  private static ObjectNode root(List<String> specials) {
    ObjectNode root = Json.object();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (int i = 0; i < specials.size(); i++) {
      added.addObject().put("id", i).put("content", specials.get(i)).put("single_word", false)
          .put("lstrip", false).put("rstrip", false).put("normalized", false)
          .put("special", true);
    }
    root.putNull("post_processor");
    return root;
  }

  /**
   * Llama-style BPE: ids 0–2 {@code <unk> <s> </s>}, 3–258 the byte tokens {@code <0x00>} to
   * {@code <0xFF>}, then {@code ▁ t h e c a} and the merges {@code ▁t he ▁the ca cat ▁cat}.
   */
  static Path llama(Path dir) throws IOException {
    ObjectNode root = root(List.of("<unk>", "<s>", "</s>"));
    ArrayNode norms = root.putObject("normalizer").put("type", "Sequence")
        .putArray("normalizers");
    norms.addObject().put("type", "Prepend").put("prepend", SPACE);
    ObjectNode replace = norms.addObject().put("type", "Replace");
    replace.putObject("pattern").put("String", " ");
    replace.put("content", SPACE);
    root.putNull("pre_tokenizer");
    ArrayNode decoders = root.putObject("decoder").put("type", "Sequence").putArray("decoders");
    ObjectNode back = decoders.addObject().put("type", "Replace");
    back.putObject("pattern").put("String", SPACE);
    back.put("content", " ");
    decoders.addObject().put("type", "ByteFallback");
    decoders.addObject().put("type", "Fuse");
    decoders.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE").putNull("dropout").put("unk_token", "<unk>")
        .putNull("continuing_subword_prefix").putNull("end_of_word_suffix").put("fuse_unk", true)
        .put("byte_fallback", true).put("ignore_merges", false);
    ObjectNode vocab = model.putObject("vocab");
    vocab.put("<unk>", 0).put("<s>", 1).put("</s>", 2);
    for (int b = 0; b < 256; b++) {
      vocab.put(String.format("<0x%02X>", b), 3 + b);
    }
    int id = 259;
    for (String t : List.of(SPACE, "t", "h", "e", "c", "a", SPACE + "t", "he", SPACE + "the",
        "ca", "cat", SPACE + "cat")) {
      vocab.put(t, id++);
    }
    ArrayNode merges = model.putArray("merges");
    for (String m : List.of(SPACE + " t", "h e", SPACE + "t he", "c a", "ca t", SPACE + " cat")) {
      merges.add(m);
    }
    Path file = dir.resolve("llama/tokenizer.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, Json.write(root));
    Files.writeString(dir.resolve("llama/tokenizer_config.json"),
        "{\"bos_token\": \"<s>\", \"eos_token\": \"</s>\", \"unk_token\": \"<unk>\"}\n");
    return file;
  }

  /** Id of a Llama-fixture token. */
  static int llamaId(String token) {
    List<String> pieces = List.of(SPACE, "t", "h", "e", "c", "a", SPACE + "t", "he",
        SPACE + "the", "ca", "cat", SPACE + "cat");
    return 259 + pieces.indexOf(token);
  }

  /** Unigram: {@code <unk> </s> ▁ ▁the ▁cat t h e c a s ▁cats} with their log-probabilities. */
  static Path unigram(Path dir) throws IOException {
    ObjectNode root = root(List.of("<unk>", "</s>"));
    root.putNull("normalizer");
    ObjectNode meta = Json.object().put("type", "Metaspace").put("replacement", SPACE)
        .put("prepend_scheme", "always").put("split", true);
    root.set("pre_tokenizer", meta);
    root.set("decoder", meta.deepCopy());
    ObjectNode model = root.putObject("model");
    model.put("type", "Unigram").put("unk_id", 0).put("byte_fallback", false);
    ArrayNode vocab = model.putArray("vocab");
    Object[][] pieces = {{"<unk>", 0.0}, {"</s>", 0.0}, {SPACE, -3.0}, {SPACE + "the", -1.0},
        {SPACE + "cat", -1.5}, {"t", -4.0}, {"h", -4.0}, {"e", -4.0}, {"c", -4.0}, {"a", -4.0},
        {"s", -4.0}, {SPACE + "cats", -2.0}};
    for (Object[] p : pieces) {
      vocab.addArray().add((String) p[0]).add((Double) p[1]);
    }
    Path file = dir.resolve("unigram.json");
    Files.writeString(file, Json.write(root));
    return file;
  }

  /** WordPiece (BERT): {@code [PAD] [UNK] [CLS] [SEP] the cat ##s play ##ing !}, lowercased. */
  static Path wordPiece(Path dir) throws IOException {
    ObjectNode root = root(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]"));
    root.putObject("normalizer").put("type", "BertNormalizer").put("clean_text", true)
        .put("handle_chinese_chars", true).putNull("strip_accents").put("lowercase", true);
    root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
    root.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
    ObjectNode model = root.putObject("model");
    model.put("type", "WordPiece").put("unk_token", "[UNK]")
        .put("continuing_subword_prefix", "##").put("max_input_chars_per_word", 100);
    ObjectNode vocab = model.putObject("vocab");
    String[] tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "cat", "##s", "play", "##ing",
        "!"};
    for (int i = 0; i < tokens.length; i++) {
      vocab.put(tokens[i], i);
    }
    Path file = dir.resolve("wordpiece.json");
    Files.writeString(file, Json.write(root));
    return file;
  }
}
