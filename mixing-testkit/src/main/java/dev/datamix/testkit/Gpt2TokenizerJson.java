package dev.datamix.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.state.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The full GPT-2 tokenizer as a Hugging Face {@code tokenizer.json}, written from the {@code
 * r50k_base} ranks that ship inside the jtokkit jar: a real 50,257-token vocabulary for tests,
 * with no download and nothing outside the project. The vocabulary maps each token's bytes
 * through GPT-2's byte-to-unicode table; the merges are derived from the ranks (each token is
 * the merge of the two parts that byte-pair encoding with the lower-ranked tokens leaves of it),
 * in rank order, as Hugging Face's GPT-2 file lists them.
 */
public final class Gpt2TokenizerJson {
  private static final String RANKS = "/com/knuddels/jtokkit/r50k_base.tiktoken";
  private static final int END_OF_TEXT = 50256;

  private Gpt2TokenizerJson() {}

  /** Writes the tokenizer to {@code file}; returns {@code file}. */
  public static Path write(Path file) throws IOException {
    List<byte[]> tokens = ranks();
    String[] unicode = bytesToUnicode();
    Map<String, Integer> rank = new HashMap<>();
    for (int r = 0; r < tokens.size(); r++) {
      rank.put(latin1(tokens.get(r)), r);
    }
    ObjectNode root = Json.object();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ObjectNode eot = root.putArray("added_tokens").addObject();
    eot.put("id", END_OF_TEXT).put("content", "<|endoftext|>").put("single_word", false)
        .put("lstrip", false).put("rstrip", false).put("normalized", true).put("special", true);
    root.putNull("normalizer");
    ObjectNode byteLevel = Json.object().put("type", "ByteLevel").put("add_prefix_space", false)
        .put("trim_offsets", true).put("use_regex", true);
    root.set("pre_tokenizer", byteLevel);
    root.set("post_processor", byteLevel.deepCopy());
    root.set("decoder", byteLevel.deepCopy());
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE").putNull("dropout").putNull("unk_token");
    model.put("continuing_subword_prefix", "").put("end_of_word_suffix", "")
        .put("fuse_unk", false).put("byte_fallback", false);
    ObjectNode vocab = model.putObject("vocab");
    for (byte[] t : tokens) {
      vocab.put(visible(t, unicode), rank.get(latin1(t)));
    }
    vocab.put("<|endoftext|>", END_OF_TEXT);
    ArrayNode merges = model.putArray("merges");
    for (int r = 256; r < tokens.size(); r++) {
      byte[][] pair = lastMerge(tokens.get(r), r, rank);
      merges.add(visible(pair[0], unicode) + " " + visible(pair[1], unicode));
    }
    Files.writeString(file, Json.write(root));
    return file;
  }

  private static List<byte[]> ranks() throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (InputStream in = Gpt2TokenizerJson.class.getResourceAsStream(RANKS)) {
      if (in == null) {
        throw new IOException("jtokkit's " + RANKS + " is not on the class path");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(" ");
        int id = Integer.parseInt(f[1]);
        if (id != out.size()) {
          throw new IOException(RANKS + ": ranks must be contiguous, found " + id + " after "
              + (out.size() - 1));
        }
        out.add(Base64.getDecoder().decode(f[0]));
      }
    }
    return out;
  }

  /** The two parts byte-pair encoding with the tokens ranked below {@code r} leaves of {@code t}. */
  private static byte[][] lastMerge(byte[] t, int r, Map<String, Integer> rank) {
    List<byte[]> parts = new ArrayList<>();
    for (byte b : t) {
      parts.add(new byte[] {b});
    }
    while (parts.size() > 2) {
      int best = -1;
      int bestRank = Integer.MAX_VALUE;
      for (int i = 0; i + 1 < parts.size(); i++) {
        Integer pr = rank.get(latin1(parts.get(i)) + latin1(parts.get(i + 1)));
        if (pr != null && pr < r && pr < bestRank) {
          bestRank = pr;
          best = i;
        }
      }
      if (best < 0) {
        throw new IllegalStateException("token of rank " + r + " is no merge of lower ranks");
      }
      byte[] a = parts.get(best);
      byte[] b = parts.get(best + 1);
      byte[] ab = new byte[a.length + b.length];
      System.arraycopy(a, 0, ab, 0, a.length);
      System.arraycopy(b, 0, ab, a.length, b.length);
      parts.set(best, ab);
      parts.remove(best + 1);
    }
    return new byte[][] {parts.get(0), parts.get(1)};
  }

  private static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  private static String visible(byte[] t, String[] unicode) {
    StringBuilder s = new StringBuilder();
    for (byte b : t) {
      s.append(unicode[b & 0xff]);
    }
    return s.toString();
  }

  /**
   * GPT-2's byte-to-unicode table: printable Latin-1 bytes stand for themselves, the other 68
   * bytes are shifted to code points from 256 up, in byte order.
   */
  private static String[] bytesToUnicode() {
    String[] out = new String[256];
    int next = 256;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC)
          || (b >= 0xAE && b <= 0xFF);
      out[b] = new String(Character.toChars(printable ? b : next++));
    }
    return out;
  }
}
