package dev.datamix.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.state.Json;
import dev.datamix.testkit.Gpt2TokenizerJson;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {
  @TempDir Path dir;

  @Test
  void byteTokenizerRoundTripsUnicodeAndMarksDocumentEnds() {
    ByteTokenizer t = ByteTokenizer.instance();
    int[] ids = t.encode("añb€");
    assertArrayEquals(new int[] {97, 0xC3, 0xB1, 98, 0xE2, 0x82, 0xAC}, ids);
    int[] withEot = java.util.Arrays.copyOf(ids, ids.length + 1);
    withEot[ids.length] = ByteTokenizer.EOT;
    assertEquals("añb€<|endoftext|>", t.decode(withEot, 0, withEot.length));
    assertEquals(257, t.vocabSize());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> t.decode(new int[] {300}, 0, 1));
    assertTrue(e.getMessage().contains("300"), e.getMessage());
  }

  /** Writes a GPT-2-style byte-level BPE with four merges. */
  private Path tinyBpe() throws IOException {
    Map<Character, Integer> decoder = BpeTokenizer.byteLevelDecoder();
    ObjectNode root = Json.object();
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    root.putObject("pre_tokenizer").put("type", "ByteLevel");
    ObjectNode vocab = model.putObject("vocab");
    // GPT-2 ids: printable bytes first, in order, then the others
    int id = 0;
    for (boolean printable : new boolean[] {true, false}) {
      for (int b = 0; b < 256; b++) {
        for (Map.Entry<Character, Integer> e : decoder.entrySet()) {
          if (e.getValue() == b && (e.getKey() == b) == printable) {
            vocab.put(String.valueOf(e.getKey()), id++);
          }
        }
      }
    }
    vocab.put("\u0120t", 256).put("he", 257).put("\u0120the", 258).put("ca", 259)
        .put("cat", 260).put("<|endoftext|>", 261);
    ArrayNode merges = model.putArray("merges");
    merges.add("\u0120 t").add("h e").add("\u0120t he").add("c a").add("ca t");
    root.putArray("added_tokens").addObject().put("id", 261).put("content", "<|endoftext|>");
    Path f = dir.resolve("tiny.json");
    Files.writeString(f, Json.write(root));
    return f;
  }

  @Test
  void bpeMergesByRankAndRoundTrips() throws IOException {
    BpeTokenizer t = BpeTokenizer.fromHuggingFaceJson(tinyBpe());
    assertEquals(262, t.vocabSize());
    assertEquals(261, t.eotToken());
    int[] ids = t.encode("the cat the");
    assertArrayEquals(new int[] {83, 257, 220, 260, 258}, ids);
    assertEquals("the cat the", t.decode(ids, 0, ids.length));
    assertEquals("<|endoftext|>", t.decode(new int[] {261}, 0, 1));
    assertEquals("bpe", t.spec().get("kind").asText());
    assertEquals(64, t.spec().get("sha256").asText().length());
  }

  @Test
  void bpeReloadsFromItsSpecAndRejectsAChangedFile() throws IOException {
    Path f = tinyBpe();
    BpeTokenizer t = BpeTokenizer.fromHuggingFaceJson(f);
    Tokenizer again = Tokenizers.fromSpec(t.spec(), dir);
    assertArrayEquals(t.encode("cat the"), again.encode("cat the"));
    Files.writeString(f, Files.readString(f).replace("\"cat\" : 260", "\"cat\" : 260 "));
    ObjectNode spec = t.spec();
    spec.put("sha256", "00");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tokenizers.fromSpec(spec, dir));
    assertTrue(e.getMessage().contains("sha256 expected 00"), e.getMessage());
  }

  @Test
  void nonBpeFilesAreRejectedNamingTheFile() throws IOException {
    Path f = dir.resolve("wordpiece.json");
    Files.writeString(f, "{\"model\": {\"type\": \"WordPiece\"}}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BpeTokenizer.fromHuggingFaceJson(f));
    assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("WordPiece"));
  }

  /**
   * The full GPT-2 vocabulary, written from the ranks in the jtokkit jar (nothing outside the
   * project), read back as any Hugging Face tokenizer.json: ids equal r50k_base's, and a few
   * ids everyone knows from GPT-2 hold.
   */
  @Test
  void fullGpt2TokenizerJsonMatchesR50k() throws IOException {
    Path gpt2 = Gpt2TokenizerJson.write(dir.resolve("gpt2.json"));
    BpeTokenizer t = BpeTokenizer.fromHuggingFaceJson(gpt2);
    String text = "Hello world! Don't panic: 42 apples, naïve café.\n\tdef f(x): return x**2 "
        + "\u4f60\u597d 🙂";
    int[] expected = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE)
        .encodeOrdinary(text).toArray();
    assertArrayEquals(expected, t.encode(text));
    assertArrayEquals(new int[] {15496, 995}, t.encode("Hello world"));
    int[] ids = t.encode(text);
    assertEquals(text, t.decode(ids, 0, ids.length));
    assertEquals(50257, t.vocabSize());
    assertEquals(50256, t.eotToken());
    JsonNode merges = Json.read(gpt2).path("model").path("merges");
    assertEquals(50000, merges.size());
    assertEquals("Ġ t", merges.get(0).asText(), "GPT-2's first merge");
    assertEquals("h e", merges.get(2).asText());
  }
}
