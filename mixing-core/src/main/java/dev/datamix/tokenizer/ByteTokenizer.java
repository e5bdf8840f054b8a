package dev.datamix.tokenizer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.state.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The built-in tokenizer: one token per UTF-8 byte (ids 0–255) plus the end-of-text token 256.
 * Vocabulary 257; needs no file and no download, so it works everywhere.
 */
public final class ByteTokenizer implements Tokenizer {
  /** The end-of-text token id. */
  public static final int EOT = 256;
  /** The end-of-text marker text. */
  public static final String EOT_TEXT = "<|endoftext|>";

  private static final ByteTokenizer INSTANCE = new ByteTokenizer();

  private ByteTokenizer() {}

  /** The tokenizer. */
  public static ByteTokenizer instance() {
    return INSTANCE;
  }

  @Override
  public String name() {
    return "byte";
  }

  @Override
  public int vocabSize() {
    return 257;
  }

  @Override
  public int eotToken() {
    return EOT;
  }

  @Override
  public int[] encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int[] out = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = bytes[i] & 0xFF;
    }
    return out;
  }

  /** One byte a token. */
  @Override
  public long textBytes(int[] tokens, int from, int to) {
    long bytes = 0;
    for (int i = from; i < to; i++) {
      bytes += tokens[i] == EOT ? 0 : 1;
    }
    return bytes;
  }

  @Override
  public String decode(int[] tokens, int from, int to) {
    StringBuilder sb = new StringBuilder();
    ByteArrayOutputStream run = new ByteArrayOutputStream();
    for (int i = from; i < to; i++) {
      int t = tokens[i];
      if (t == EOT) {
        sb.append(run.toString(StandardCharsets.UTF_8)).append(EOT_TEXT);
        run.reset();
      } else if (t >= 0 && t < 256) {
        run.write(t);
      } else {
        throw new IllegalArgumentException("token " + t + " at position " + i
            + " is outside the byte tokenizer's vocabulary of 257");
      }
    }
    return sb.append(run.toString(StandardCharsets.UTF_8)).toString();
  }

  @Override
  public ObjectNode spec() {
    ObjectNode o = Json.object();
    o.put("kind", "byte");
    o.put("vocabSize", vocabSize());
    o.put("eotToken", EOT);
    return o;
  }
}
