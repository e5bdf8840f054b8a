package dev.datamix.djl.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.tokenizer.Tokenizer;
import dev.datamix.tokenizer.TokenizerProvider;
import java.io.IOException;
import java.nio.file.Path;

/** The {@code "hf"} {@link TokenizerProvider}: {@link HuggingFaceTokenizer}. */
public final class HuggingFaceTokenizers implements TokenizerProvider {
  /** The spec kind. */
  public static final String KIND = "hf";

  /** For {@link java.util.ServiceLoader}. */
  public HuggingFaceTokenizers() {}

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Tokenizer load(Path file, String endOfText) throws IOException {
    return HuggingFaceTokenizer.load(file, endOfText);
  }

  @Override
  public Tokenizer fromSpec(JsonNode spec, Path directory) throws IOException {
    HuggingFaceTokenizer t = HuggingFaceTokenizer.load(
        directory.resolve(spec.path("file").asText()), spec.path("endOfText").asText(null));
    String expected = spec.path("sha256").asText();
    if (!expected.isEmpty() && !expected.equals(t.sha256())) {
      throw new IllegalArgumentException("tokenizer file " + spec.path("file").asText()
          + " sha256 expected " + expected + " but found " + t.sha256());
    }
    return t;
  }
}
