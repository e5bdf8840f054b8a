package dev.datamix.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Loads tokenizers: the one a corpus manifest records, and any {@code tokenizer.json}. */
public final class Tokenizers {
  private Tokenizers() {}

  /**
   * The tokenizer of {@code spec} (from a manifest); files are resolved in {@code directory} and
   * checked against the recorded SHA-256.
   *
   * @throws IllegalArgumentException for an unknown kind or a file whose hash differs
   * @throws IOException if a tokenizer file cannot be read
   */
  public static Tokenizer fromSpec(JsonNode spec, Path directory) throws IOException {
    String kind = spec.path("kind").asText();
    switch (kind) {
      case "byte":
        return ByteTokenizer.instance();
      case "bpe":
        BpeTokenizer t = BpeTokenizer.fromHuggingFaceJson(
            directory.resolve(spec.path("file").asText()));
        checkSha256(spec, t.sha256());
        return t;
      default:
        return provider(kind).fromSpec(spec, directory);
    }
  }

  /**
   * A {@code tokenizer.json} loaded with {@code engine}: {@code "jtokkit"} ({@link
   * BpeTokenizer}, GPT-2-style byte-level BPE only), {@code "hf"} (the Hugging Face {@code
   * tokenizers} library, any model, from {@code mixing-djl}), or {@code "auto"}: jtokkit where it
   * applies and is the faster (see {@link #JTOKKIT_IS_FASTER}), the Hugging Face library
   * otherwise.
   *
   * @param endOfText the end-of-text token's text for the Hugging Face library, or null for its
   *     configuration's
   * @throws IllegalArgumentException naming the engine, or the file and why no engine reads it
   * @throws IOException if the file cannot be read
   */
  public static Tokenizer load(Path file, String engine, String endOfText) throws IOException {
    switch (engine) {
      case "jtokkit":
        return BpeTokenizer.fromHuggingFaceJson(file);
      case "hf":
        return provider("hf").load(file, endOfText);
      case "auto":
        if (JTOKKIT_IS_FASTER && endOfText == null) {
          try {
            return BpeTokenizer.fromHuggingFaceJson(file);
          } catch (IllegalArgumentException notGpt2Style) {
            // another model or pre-tokenizer: the Hugging Face library reads it
          }
        }
        return provider("hf").load(file, endOfText);
      default:
        throw new IllegalArgumentException("tokenizer engine must be auto, jtokkit or hf, got '"
            + engine + "'");
    }
  }

  /**
   * Whether jtokkit encodes GPT-2-style BPE faster than the Hugging Face library on this
   * project's benchmark ({@code TokenizerBenchmark}, docs/benchmarks-ingest.md), so that {@code
   * auto} picks it where both apply. Both give the same ids (tested).
   */
  public static final boolean JTOKKIT_IS_FASTER = true;

  /**
   * Checks a reloaded tokenizer file against the SHA-256 its spec records.
   *
   * @throws IllegalArgumentException naming the file and both hashes if they differ
   */
  public static void checkSha256(JsonNode spec, String actual) {
    String expected = spec.path("sha256").asText();
    if (!expected.isEmpty() && !expected.equals(actual)) {
      throw new IllegalArgumentException("tokenizer file " + spec.path("file").asText()
          + " sha256 expected " + expected + " but found " + actual);
    }
  }

  /** The SHA-256 of a tokenizer file's bytes, as a manifest records it. */
  public static String sha256(byte[] raw) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest
          .getInstance("SHA-256").digest(raw));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TokenizerProvider provider(String kind) {
    List<String> kinds = new ArrayList<>(List.of("byte", "bpe"));
    for (TokenizerProvider p : ServiceLoader.load(TokenizerProvider.class)) {
      if (p.kind().equals(kind)) {
        return p;
      }
      kinds.add(p.kind());
    }
    throw new IllegalArgumentException("tokenizer kind '" + kind + "' is not available; known: "
        + kinds + (kind.equals("hf") ? " (the Hugging Face tokenizer is in mixing-djl: add "
        + "dev.datamix:mixing-djl to the class path)" : ""));
  }
}
