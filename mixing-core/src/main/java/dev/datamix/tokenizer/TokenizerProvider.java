package dev.datamix.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A kind of tokenizer that mixing-core does not implement, found through {@link
 * java.util.ServiceLoader}: {@link Tokenizers} asks the providers on the class path for a
 * {@code tokenizer.json} it cannot encode itself, and for a manifest's tokenizer spec of the
 * provider's kind. {@code mixing-djl} provides {@code "hf"}: any Hugging Face {@code
 * tokenizer.json} through DJL's binding of the Rust {@code tokenizers} library.
 */
public interface TokenizerProvider {

  /** The {@code kind} of the specs this provider writes and reloads, for example {@code "hf"}. */
  String kind();

  /**
   * Loads a Hugging Face {@code tokenizer.json}.
   *
   * @param endOfText the end-of-text token's text, or null to take it from the tokenizer's
   *     configuration
   * @throws IllegalArgumentException naming the file if it cannot be used
   * @throws IOException if it cannot be read
   */
  Tokenizer load(Path file, String endOfText) throws IOException;

  /**
   * Reloads the tokenizer of a manifest's {@code spec}, its file resolved in {@code directory}.
   *
   * @throws IllegalArgumentException if the file's hash differs from the recorded one
   * @throws IOException if it cannot be read
   */
  Tokenizer fromSpec(JsonNode spec, Path directory) throws IOException;
}
