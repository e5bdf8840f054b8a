package dev.datamix.djl.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.tokenizer.Tokenizer;
import dev.datamix.tokenizer.TokenizerProvider;
import dev.datamix.tokenizer.Tokenizers;
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
    Tokenizers.checkSha256(spec, t.sha256());
    return t;
  }
}
