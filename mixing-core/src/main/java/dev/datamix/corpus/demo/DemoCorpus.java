package dev.datamix.corpus.demo;

import dev.datamix.corpus.Split;
import dev.datamix.corpus.prepare.CorpusPreparer;
import dev.datamix.state.ExistingOutput;
import dev.datamix.corpus.prepare.DocumentSource;
import dev.datamix.corpus.prepare.PrepareReport;
import dev.datamix.random.Seeds;
import dev.datamix.tokenizer.ByteTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The built-in demo corpus: small, synthetic, generated deterministically from a seed, with
 * domains that differ the way mixing policies care about. Nothing is downloaded.
 *
 * <table>
 *   <caption>Domains (byte tokenizer; sizes relative to {@code bytesPerDomain})</caption>
 *   <tr><th>domain</th><th>structure</th><th>what a good policy should do</th></tr>
 *   <tr><td>{@code template}</td><td>sentences from one fixed template with small word lists:
 *       easy, learned quickly, low floor</td><td>needs few tokens; weight can fall early</td></tr>
 *   <tr><td>{@code arith}</td><td>additions and multiplications of 1–3 digit numbers with their
 *       results: the format is easy, the digits of the result are hard</td><td>keeps improving
 *       slowly; worth tokens for a long time</td></tr>
 *   <tr><td>{@code code}</td><td>small Python-like functions: nested brackets, indentation,
 *       variable names that must be reused consistently</td><td>medium; improves steadily</td></tr>
 *   <tr><td>{@code noise}</td><td>random words over a 16-letter alphabet: about 4 bits per letter
 *       of irreducible entropy</td><td>little to gain; should not absorb weight (this separates
 *       Velocitune from loss-based reweighting)</td></tr>
 *   <tr><td>{@code small}</td><td>one tenth the size: short rhyming couplets from a tiny
 *       lexicon</td><td>repeats many epochs under a proportional-to-uniform mix; overfitting
 *       risk</td></tr>
 *   <tr><td>{@code target_mix}</td><td>one twentieth the size: documents whose lines are 60%
 *       {@code arith}-style and 40% {@code code}-style (own seed)</td><td>the target set:
 *       DGA should steer toward {@code arith} and {@code code}, away from {@code noise}</td></tr>
 * </table>
 *
 * <p>Documents are about 1–3 KB (150–450 bytes in {@code small} and {@code target_mix}).
 * Validation and test are each 5% of a domain's bytes (at least 8 blocks), generated from their
 * own document indices, so no document is in two splits.
 */
public final class DemoCorpus {
  /** Domain names, in corpus order. */
  public static final List<String> DOMAINS =
      List.of("template", "arith", "code", "noise", "small", "target_mix");

  private static final String[] SUBJECTS = {"the cat", "a dog", "my friend", "the teacher",
      "our neighbour", "the old man", "a child", "the baker"};
  private static final String[] VERBS = {"saw", "liked", "found", "painted", "carried",
      "visited"};
  private static final String[] OBJECTS = {"a red ball", "the green door", "a small boat",
      "the tall tree", "a blue cup", "the quiet river"};
  private static final String[] PLACES = {"in the garden", "at the market", "near the school",
      "by the sea"};
  private static final String[] RHYMES = {"light", "night", "bright", "sight", "day", "way",
      "play", "stay"};
  private static final String NOISE_ALPHABET = "abcdefghijklmnop";
  private static final String[] VARS = {"x", "y", "total", "count", "item", "value", "acc", "n"};

  /** Index of the first validation document; train documents count from 0. */
  static final long VALIDATION_DOCS = 1L << 40;
  /** Index of the first test document. */
  static final long TEST_DOCS = 2L << 40;

  private DemoCorpus() {}

  /**
   * Generates the corpus into {@code output}, which must be missing or empty.
   *
   * @param bytesPerDomain approximate UTF-8 bytes of each main domain, {@code >= 20_000}
   * @param blockLength tokens per block
   * @param seed the generator's seed
   * @throws dev.datamix.state.OutputExistsException if {@code output} is not empty
   */
  public static PrepareReport write(Path output, long bytesPerDomain, int blockLength, long seed)
      throws IOException {
    return write(output, bytesPerDomain, blockLength, seed, ExistingOutput.REFUSE);
  }

  /**
   * Generates the corpus into {@code output}; with {@link ExistingOutput#OVERWRITE} a previous
   * corpus there is replaced atomically once the new one is complete.
   *
   * @param bytesPerDomain approximate UTF-8 bytes of each main domain, {@code >= 20_000}
   * @param blockLength tokens per block
   * @param seed the generator's seed
   * @param existing what to do with a corpus already in {@code output}
   */
  public static PrepareReport write(Path output, long bytesPerDomain, int blockLength, long seed,
      ExistingOutput existing) throws IOException {
    if (bytesPerDomain < 20_000) {
      throw new IllegalArgumentException("bytesPerDomain must be >= 20000, got " + bytesPerDomain);
    }
    CorpusPreparer.Builder b = CorpusPreparer.builder().setOutput(output)
        .optTokenizer(ByteTokenizer.instance()).optBlockLength(blockLength).optSeed(seed)
        .optThreads(1).optExistingOutput(existing);
    long minSplitBytes = 8L * (blockLength + 1);
    for (String name : DOMAINS) {
      long bytes = name.equals("small") ? bytesPerDomain / 10
          : name.equals("target_mix") ? bytesPerDomain / 20 : bytesPerDomain;
      long heldOut = Math.max(minSplitBytes, bytes / 20);
      b.addDomain(name, List.of(
          new Generated(name, Split.TRAIN, 0, Math.max(minSplitBytes, bytes - 2 * heldOut), seed),
          new Generated(name, Split.VALIDATION, VALIDATION_DOCS, heldOut, seed),
          new Generated(name, Split.TEST, TEST_DOCS, heldOut, seed)));
    }
    return b.build().run();
  }

  /** One generated document of {@code domain}, a pure function of {@code (seed, domain, doc)}. */
  public static String document(String domain, long seed, long doc) {
    int d = DOMAINS.indexOf(domain);
    if (d < 0) {
      throw new IllegalArgumentException("unknown demo domain '" + domain + "'; known: " + DOMAINS);
    }
    SplittableRandom r = new SplittableRandom(Seeds.hash(seed, d, doc));
    StringBuilder sb = new StringBuilder();
    int target = domain.equals("small") || domain.equals("target_mix")
        ? 150 + r.nextInt(300) : 1000 + r.nextInt(2000);
    while (sb.length() < target) {
      switch (domain) {
        case "template" -> template(r, sb);
        case "arith" -> arith(r, sb);
        case "code" -> code(r, sb);
        case "noise" -> noise(r, sb);
        case "small" -> couplet(r, sb);
        case "target_mix" -> {
          if (r.nextDouble() < 0.6) {
            arith(r, sb);
          } else {
            code(r, sb);
          }
        }
        default -> throw new IllegalStateException(domain);
      }
    }
    return sb.toString();
  }

  private static String pick(SplittableRandom r, String[] options) {
    return options[r.nextInt(options.length)];
  }

  private static void template(SplittableRandom r, StringBuilder sb) {
    sb.append(pick(r, SUBJECTS)).append(' ').append(pick(r, VERBS)).append(' ')
        .append(pick(r, OBJECTS)).append(' ').append(pick(r, PLACES)).append(".\n");
  }

  private static void arith(SplittableRandom r, StringBuilder sb) {
    int a = r.nextInt(1, 1000);
    int b = r.nextInt(1, 100);
    if (r.nextBoolean()) {
      sb.append(a).append(" + ").append(b).append(" = ").append(a + b).append('\n');
    } else {
      sb.append(a).append(" * ").append(b).append(" = ").append(a * b).append('\n');
    }
  }

  private static void code(SplittableRandom r, StringBuilder sb) {
    String f = "f" + r.nextInt(100);
    String v = pick(r, VARS);
    String w = pick(r, VARS);
    sb.append("def ").append(f).append('(').append(v).append("):\n");
    sb.append("    ").append(w.equals(v) ? "acc" : w).append(" = (").append(v).append(" * ")
        .append(r.nextInt(2, 10)).append(") + ").append(r.nextInt(10)).append('\n');
    if (r.nextBoolean()) {
      sb.append("    if ").append(v).append(" > ").append(r.nextInt(50)).append(":\n");
      sb.append("        return [").append(v).append(", ").append(w.equals(v) ? "acc" : w)
          .append("]\n");
    }
    sb.append("    return ").append(w.equals(v) ? "acc" : w).append("\n\n");
  }

  private static void noise(SplittableRandom r, StringBuilder sb) {
    int words = 5 + r.nextInt(8);
    for (int i = 0; i < words; i++) {
      int len = 2 + r.nextInt(6);
      for (int j = 0; j < len; j++) {
        sb.append(NOISE_ALPHABET.charAt(r.nextInt(NOISE_ALPHABET.length())));
      }
      sb.append(i + 1 < words ? ' ' : '\n');
    }
  }

  private static void couplet(SplittableRandom r, StringBuilder sb) {
    int pair = r.nextInt(2) * 4;
    sb.append("i walk in the ").append(RHYMES[pair + r.nextInt(4)]).append(",\n")
        .append("and sing of the ").append(RHYMES[pair + r.nextInt(4)]).append(".\n");
  }

  /** One split of a generated domain: about {@code bytes} bytes from document {@code first}. */
  private record Generated(String domain, Split split, long first, long bytes, long seed)
      implements DocumentSource {
    @Override
    public String name() {
      return "demo:" + domain + ":" + split.id();
    }

    @Override
    public Optional<Split> fixedSplit() {
      return Optional.of(split);
    }

    @Override
    public long sizeBytes() {
      return bytes;
    }

    @Override
    public void forEach(DocumentSink sink) throws IOException {
      long written = 0;
      for (long doc = first; written < bytes; doc++) {
        String text = document(domain, seed, doc);
        sink.accept(text);
        written += text.length();
      }
    }
  }
}
