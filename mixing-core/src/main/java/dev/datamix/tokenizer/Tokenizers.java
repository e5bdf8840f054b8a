package dev.datamix.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;

/** Reloads the tokenizer a corpus manifest records. */
public final class Tokenizers {
  private Tokenizers() {}

  /**
   * The tokenizer of {@code spec} (from a manifest); BPE files are resolved in {@code directory}
   * and checked against the recorded SHA-256.
   *
   * @throws IllegalArgumentException for an unknown kind or a file whose hash differs
   * @throws IOException if a BPE file cannot be read
   */
  public static Tokenizer fromSpec(JsonNode spec, Path directory) throws IOException {
    String kind = spec.path("kind").asText();
    switch (kind) {
      case "byte":
        return ByteTokenizer.instance();
      case "bpe":
        BpeTokenizer t = BpeTokenizer.fromHuggingFaceJson(
            directory.resolve(spec.path("file").asText()));
        String expected = spec.path("sha256").asText();
        if (!expected.isEmpty() && !expected.equals(t.sha256())) {
          throw new IllegalArgumentException("tokenizer file " + spec.path("file").asText()
              + " sha256 expected " + expected + " but found " + t.sha256());
        }
        return t;
      default:
        throw new IllegalArgumentException(
            "tokenizer kind must be 'byte' or 'bpe', got '" + kind + "'");
    }
  }
}
