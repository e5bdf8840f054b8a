package dev.datamix.djl.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.prepare.CorpusPreparer;
import dev.datamix.testkit.CorpusFixtures;
import dev.datamix.testkit.Gpt2TokenizerJson;
import dev.datamix.tokenizer.BpeTokenizer;
import dev.datamix.tokenizer.Tokenizer;
import dev.datamix.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any {@code tokenizer.json} through the Rust {@code tokenizers} library: one file of each model
 * kind (written by {@link TokenizerFiles}), ids worked out by hand from their vocabularies and
 * merges, and id parity with jtokkit on GPT-2's full vocabulary.
 */
class HuggingFaceTokenizerTest {
  static final String SPACE = TokenizerFiles.SPACE;
  @TempDir Path dir;

  @Test
  void byteFallbackBpeMergesAndFallsBackToBytesAsLlamaDoes() throws IOException {
    HuggingFaceTokenizer t = HuggingFaceTokenizer.load(TokenizerFiles.llama(dir), null);
    // "▁the▁cat▁é": the merges give ▁the and ▁cat; é (C3 A9) is not in the vocabulary: bytes
    assertArrayEquals(new int[] {TokenizerFiles.llamaId(SPACE + "the"),
        TokenizerFiles.llamaId(SPACE + "cat"), TokenizerFiles.llamaId(SPACE), 3 + 0xC3,
        3 + 0xA9}, t.encode("the cat é"));
    assertEquals("the cat é", t.decode(t.encode("the cat é"), 0, 5));
    assertEquals(2, t.eotToken()); // eos_token of tokenizer_config.json
    assertEquals(271, t.vocabSize());
    // two documents: "▁cat" decodes to "cat" (the decoder strips the space the normalizer
    // prepended), then é from its two byte tokens: 3 + 2 bytes, the </s> between them none
    assertEquals(5, t.textBytes(new int[] {TokenizerFiles.llamaId(SPACE + "cat"), 2, 3 + 0xC3,
        3 + 0xA9}, 0, 4));
  }

  @Test
  void unigramTakesTheMostLikelySegmentation() throws IOException {
    HuggingFaceTokenizer t = HuggingFaceTokenizer.load(TokenizerFiles.unigram(dir), null);
    // ▁cats (log p −2) beats ▁cat + s (−1.5 − 4)
    assertArrayEquals(new int[] {3, 11}, t.encode("the cats"));
    assertEquals("the cats", t.decode(new int[] {3, 11}, 0, 2));
    assertEquals(1, t.eotToken()); // </s>, found among the added tokens
    assertEquals(12, t.vocabSize());
  }

  @Test
  void wordPieceSplitsWordsIntoPiecesAsBertDoes() throws IOException {
    HuggingFaceTokenizer t = HuggingFaceTokenizer.load(TokenizerFiles.wordPiece(dir), null);
    assertArrayEquals(new int[] {4, 5, 6, 7, 8, 9}, t.encode("The cats playing!"));
    assertArrayEquals(new int[] {4, 1}, t.encode("the dog")); // unknown word: [UNK]
    assertEquals(3, t.eotToken()); // [SEP]
    assertEquals(10, t.vocabSize());
  }

  @Test
  void nothingIsTruncatedPaddedOrAdded() throws IOException {
    HuggingFaceTokenizer t = HuggingFaceTokenizer.load(TokenizerFiles.wordPiece(dir), null);
    String words = "the cat ".repeat(2_000);
    assertEquals(4_000, t.encode(words).length); // DJL's default would cut at 512
    assertArrayEquals(new int[] {5}, t.encode("cat")); // no [CLS]/[SEP], no padding
  }

  @Test
  void gpt2IdsEqualJtokkitsOnTheFullVocabulary() throws IOException {
    Path file = Gpt2TokenizerJson.write(dir.resolve("gpt2.json"));
    Tokenizer hf = HuggingFaceTokenizer.load(file, null);
    Tokenizer jtokkit = BpeTokenizer.fromHuggingFaceJson(file);
    assertEquals(50_257, hf.vocabSize());
    assertEquals(50_256, hf.eotToken());
    List<String> texts = List.of("Hello, world! It's 2026.", "  leading spaces and\ttabs\n\n",
        "def f(x):\n    return x ** 2  # squares\n", "caf\u00e9 na\u00efve \u00fcber \u4e2d\u6587",
        "emoji \uD83D\uDE00\uD83D\uDC4D and CAPS and numbers 1234567890",
        "don't won't they'll I've we're", String.join(" ", CorpusFixtures.numbered("w", 200, 9)));
    for (String text : texts) {
      assertArrayEquals(jtokkit.encode(text), hf.encode(text), text);
      int[] ids = hf.encode(text);
      assertEquals(text, hf.decode(ids, 0, ids.length));
    }
  }

  @Test
  void anExplicitEndOfTextIsUsedAndAMissingOneIsNamed() throws IOException {
    Path file = TokenizerFiles.wordPiece(dir);
    assertEquals(2, HuggingFaceTokenizer.load(file, "[CLS]").eotToken());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HuggingFaceTokenizer.load(file, "<eot>"));
    assertTrue(e.getMessage().contains("no token '<eot>'"), e.getMessage());
  }

  @Test
  void autoPicksJtokkitForGpt2StyleFilesAndTheLibraryForOthers() throws IOException {
    Path gpt2 = Gpt2TokenizerJson.write(dir.resolve("gpt2.json"));
    Tokenizer auto = Tokenizers.load(gpt2, "auto", null);
    if (Tokenizers.JTOKKIT_IS_FASTER) {
      assertInstanceOf(BpeTokenizer.class, auto);
    } else {
      assertInstanceOf(HuggingFaceTokenizer.class, auto);
    }
    assertInstanceOf(HuggingFaceTokenizer.class, Tokenizers.load(gpt2, "hf", null));
    assertInstanceOf(HuggingFaceTokenizer.class, Tokenizers.load(TokenizerFiles.llama(dir),
        "auto", null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tokenizers.load(gpt2, "sentencepiece", null));
    assertTrue(e.getMessage().contains("'sentencepiece'"), e.getMessage());
  }

  @Test
  void aLlamaStyleTokenizerPreparesACorpusThatReloadsItsTokenizer() throws IOException {
    Tokenizer t = Tokenizers.load(TokenizerFiles.llama(dir), "auto", null);
    Path corpus = CorpusPreparer.builder().setOutput(dir.resolve("c")).optTokenizer(t)
        .optBlockLength(8).addDomain("d", List.of(CorpusFixtures.docs("d", Split.TRAIN,
            List.of("the cat é the cat", "the the cat")))).build().run().directory();
    try (Corpus c = Corpus.open(corpus)) {
      Tokenizer again = Tokenizers.fromSpec(c.manifest().tokenizer(), corpus);
      assertInstanceOf(HuggingFaceTokenizer.class, again);
      int[] ids = new int[(int) c.tokens(0, Split.TRAIN)];
      c.readTokens(0, Split.TRAIN, 0, ids.length, ids, 0);
      assertEquals(2, ids[ids.length - 1]); // each document ends with </s>
      assertEquals("the cat é the cat", again.decode(ids, 0, java.util.Arrays.stream(ids)
          .boxed().toList().indexOf(2)));
      // bytes: the documents' UTF-8 text, as for any tokenizer
      assertEquals(18 + 11, c.manifest().domain("d").split(Split.TRAIN).bytes());
    }
  }
}
