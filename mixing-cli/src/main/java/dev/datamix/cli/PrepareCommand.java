package dev.datamix.cli;

import dev.datamix.corpus.Split;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.corpus.megatron.MegatronDomains;
import dev.datamix.corpus.prepare.CorpusPreparer;
import dev.datamix.corpus.prepare.DocumentSource;
import dev.datamix.corpus.prepare.FileSources;
import dev.datamix.corpus.prepare.PrepareReport;
import dev.datamix.state.ExistingOutput;
import dev.datamix.tokenizer.BpeTokenizer;
import dev.datamix.tokenizer.ByteTokenizer;
import dev.datamix.tokenizer.Tokenizer;
import dev.datamix.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code datamix prepare}: ingest text, directories or JSONL into a tokenised corpus. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
    description = {"Tokenise text into a corpus directory (shards + manifest.json).",
        "Sources: --domain name=path[,path...] (files or directories of .txt/.jsonl, .gz or not),",
        "--domains-from DIR (one domain per file-name stem, e.g. code_java.train.txt.gz), or",
        "--demo (the built-in synthetic corpus). Files named *.train.*, *.val.*, *.test.* keep",
        "their split; other documents are split by a hash of their text. --out must be new or",
        "empty (--overwrite replaces a corpus there once the new one is complete). Bytes that",
        "are not UTF-8 become U+FFFD and are counted per domain and split (the 'bad utf-8'",
        "column and the manifest's invalidUtf8), or fail with --fail-on-invalid-utf8.",
        "--megatron name=PREFIX attaches a Megatron .bin/.idx dataset, read in place (cut into",
        "splits by --megatron-split as Megatron's --split does; name:val=PREFIX puts it whole",
        "into one split); it may be given beside --domain."})
public final class PrepareCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", required = true, description = "corpus directory to write")
  Path out;

  @Option(names = "--overwrite", description = "replace the corpus in --out (once the new one "
      + "is complete)")
  boolean overwrite;

  @Option(names = "--fail-on-invalid-utf8", description = "stop at the first source that is "
      + "not valid UTF-8, instead of replacing and counting its bad bytes")
  boolean failOnInvalidUtf8;

  @Option(names = "--domain", paramLabel = "NAME=PATH[,PATH...]",
      description = "a domain and its sources; repeatable")
  List<String> domains = new ArrayList<>();

  @Option(names = "--megatron", paramLabel = "NAME[:SPLIT]=PREFIX[,PREFIX...]",
      description = "a domain read in place from Megatron indexed datasets (PREFIX.bin and "
          + "PREFIX.idx), tokenised with --tokenizer; repeatable")
  List<String> megatron = new ArrayList<>();

  @Option(names = "--megatron-split", paramLabel = "TRAIN,VAL,TEST",
      description = "weights cutting a Megatron dataset given without a split into document "
          + "ranges, as Megatron's --split (default: from --val-fraction and --test-fraction)")
  String megatronSplit;

  @Option(names = "--megatron-bytes", defaultValue = "count",
      description = "'count': decode Megatron documents with --tokenizer to record their text "
          + "bytes (bits per byte); 'none': skip it, report nats per token only "
          + "(default: ${DEFAULT-VALUE})")
  String megatronBytes;

  @Option(names = "--domains-from", paramLabel = "DIR",
      description = "one domain per file-name stem (text before the first '.') in DIR")
  Path domainsFrom;

  @Option(names = "--demo", description = "generate the built-in demo corpus")
  boolean demo;

  @Option(names = "--demo-bytes", defaultValue = "300000",
      description = "bytes per main demo domain (default: ${DEFAULT-VALUE})")
  long demoBytes;

  @Option(names = "--tokenizer", defaultValue = "byte",
      description = "'byte' or any Hugging Face tokenizer.json path (default: ${DEFAULT-VALUE})")
  String tokenizer;

  @Option(names = "--tokenizer-engine", defaultValue = "auto",
      description = "what encodes a tokenizer.json: 'jtokkit' (GPT-2-style byte-level BPE), "
          + "'hf' (the Hugging Face tokenizers library, any model) or 'auto': the faster where "
          + "both apply (default: ${DEFAULT-VALUE})")
  String tokenizerEngine;

  @Option(names = "--eot-token", paramLabel = "TEXT",
      description = "the end-of-text token of a tokenizer.json read by the Hugging Face "
          + "library (default: eos_token of tokenizer_config.json beside it, or a known name)")
  String eotToken;

  @Option(names = "--block-length", defaultValue = "256",
      description = "tokens per block (default: ${DEFAULT-VALUE})")
  int blockLength;

  @Option(names = "--text-field", defaultValue = "text",
      description = "JSONL field holding the text (default: ${DEFAULT-VALUE})")
  String textField;

  @Option(names = "--separator", defaultValue = FileSources.DEFAULT_SEPARATOR,
      description = "line that ends a document in text files (default: ${DEFAULT-VALUE})")
  String separator;

  @Option(names = "--val-fraction", defaultValue = "0.05",
      description = "share of unsplit documents sent to validation (default: ${DEFAULT-VALUE})")
  double valFraction;

  @Option(names = "--test-fraction", defaultValue = "0.05",
      description = "share of unsplit documents sent to test (default: ${DEFAULT-VALUE})")
  double testFraction;

  @Option(names = "--seed", defaultValue = "0", description = "seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--threads", description = "worker threads (default: all processors)")
  Integer threads;

  @Option(names = "--shard-tokens", defaultValue = "268435456",
      description = "most tokens per shard file (default: ${DEFAULT-VALUE})")
  long shardTokens;

  @Option(names = "--quiet", description = "no progress bar")
  boolean quiet;

  @Override
  public Integer call() throws IOException {
    int modes = (demo ? 1 : 0) + (domainsFrom != null ? 1 : 0)
        + (domains.isEmpty() && megatron.isEmpty() ? 0 : 1);
    if (modes != 1) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "give exactly one of --domain (with or without --megatron), --domains-from or --demo");
    }
    if (!megatronBytes.equals("count") && !megatronBytes.equals("none")) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--megatron-bytes must be 'count' or 'none', got '" + megatronBytes + "'");
    }
    PrepareReport report;
    if (demo) {
      if (!tokenizer.equals("byte")) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--demo uses the byte tokenizer; --tokenizer " + tokenizer + " is not supported");
      }
      report = DemoCorpus.write(out, demoBytes, blockLength, seed,
          overwrite ? ExistingOutput.OVERWRITE : ExistingOutput.REFUSE);
    } else {
      CorpusPreparer.Builder b = CorpusPreparer.builder().setOutput(out)
          .optTokenizer(loadTokenizer()).optBlockLength(blockLength)
          .optSplitFractions(valFraction, testFraction).optSeed(seed)
          .optShardTokens(shardTokens).optFailOnInvalidUtf8(failOnInvalidUtf8)
          .optExistingOutput(overwrite ? ExistingOutput.OVERWRITE : ExistingOutput.REFUSE);
      if (threads != null) {
        b.optThreads(threads);
      }
      if (!quiet) {
        b.optProgress(System.err);
      }
      for (Map.Entry<String, List<DocumentSource>> d : sources().entrySet()) {
        b.addDomain(d.getKey(), d.getValue());
      }
      for (Map.Entry<String, List<MegatronDomains.Source>> m : megatronSources().entrySet()) {
        b.addMegatronDomain(m.getKey(), m.getValue());
      }
      if (megatronSplit != null) {
        double[] w = MegatronSplitOption.parse(spec.commandLine(), megatronSplit);
        b.optMegatronSplit(w[0], w[1], w[2]);
      }
      b.optCountMegatronBytes(megatronBytes.equals("count"));
      report = b.build().run();
    }
    PrintTable.print(spec.commandLine().getOut(), report);
    return 0;
  }

  private Tokenizer loadTokenizer() throws IOException {
    if (tokenizer.equals("byte")) {
      return ByteTokenizer.instance();
    }
    Path file = Path.of(tokenizer);
    if (!Files.isRegularFile(file)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--tokenizer must be 'byte' or an existing tokenizer.json, got '" + tokenizer + "'");
    }
    Tokenizer t;
    try {
      t = Tokenizers.load(file, tokenizerEngine, eotToken);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--tokenizer " + tokenizer
          + " (--tokenizer-engine " + tokenizerEngine + "): " + e.getMessage());
    }
    if (!quiet) {
      System.err.printf(Locale.ROOT, "tokenizer %s: vocabulary %,d, end of text %d, encoded by "
          + "%s%n", t.name(), t.vocabSize(), t.eotToken(), t instanceof BpeTokenizer
          ? "jtokkit" + (tokenizerEngine.equals("auto") ? " (auto: the faster where both apply, "
          + "docs/benchmarks-data.md)" : "") : "the Hugging Face tokenizers library");
    }
    return t;
  }

  private Map<String, List<DocumentSource>> sources() throws IOException {
    Map<String, List<DocumentSource>> out = new LinkedHashMap<>();
    if (domainsFrom != null) {
      if (!Files.isDirectory(domainsFrom)) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--domains-from must be a directory, got '" + domainsFrom + "'");
      }
      try (Stream<Path> files = Files.list(domainsFrom)) {
        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
          String name = f.getFileName().toString();
          if (name.startsWith(".")) {
            continue;
          }
          String domain = name.substring(0, name.indexOf('.') < 0 ? name.length()
              : name.indexOf('.'));
          out.computeIfAbsent(domain, k -> new ArrayList<>())
              .addAll(FileSources.under(f, textField, separator));
        }
      }
      return out;
    }
    for (String d : domains) {
      int eq = d.indexOf('=');
      if (eq <= 0 || eq == d.length() - 1) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--domain must be NAME=PATH[,PATH...], got '" + d + "'");
      }
      List<DocumentSource> list = out.computeIfAbsent(d.substring(0, eq), k -> new ArrayList<>());
      for (String p : d.substring(eq + 1).split(",")) {
        list.addAll(FileSources.under(Path.of(p), textField, separator));
      }
    }
    return out;
  }

  private Map<String, List<MegatronDomains.Source>> megatronSources() {
    Map<String, List<MegatronDomains.Source>> out = new LinkedHashMap<>();
    for (String m : megatron) {
      int eq = m.indexOf('=');
      if (eq <= 0 || eq == m.length() - 1) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--megatron must be NAME[:SPLIT]=PREFIX[,PREFIX...], got '" + m + "'");
      }
      String head = m.substring(0, eq);
      int colon = head.indexOf(':');
      Split split = null;
      if (colon >= 0) {
        try {
          split = Split.fromId(head.substring(colon + 1));
        } catch (IllegalArgumentException e) {
          throw new CommandLine.ParameterException(spec.commandLine(),
              "--megatron '" + m + "': " + e.getMessage());
        }
        head = head.substring(0, colon);
      }
      List<MegatronDomains.Source> list = out.computeIfAbsent(head, k -> new ArrayList<>());
      for (String p : m.substring(eq + 1).split(",")) {
        list.add(new MegatronDomains.Source(Path.of(p), split));
      }
    }
    return out;
  }

  /** Parses {@code --megatron-split}. */
  static final class MegatronSplitOption {
    private MegatronSplitOption() {}

    static double[] parse(CommandLine cli, String text) {
      String[] parts = text.split(",");
      if (parts.length != 3) {
        throw new CommandLine.ParameterException(cli, "--megatron-split must be three weights "
            + "TRAIN,VAL,TEST (for example 969,30,1), got '" + text + "'");
      }
      double[] w = new double[3];
      try {
        for (int i = 0; i < 3; i++) {
          w[i] = Double.parseDouble(parts[i].trim());
        }
        MegatronDomains.splitBoundaries(0, w);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cli, "--megatron-split '" + text + "': "
            + e.getMessage());
      }
      return w;
    }
  }

  /** Prints a prepare report. */
  static final class PrintTable {
    private PrintTable() {}

    static void print(java.io.PrintWriter out, PrepareReport report) {
      out.printf(Locale.ROOT, "corpus %s: %s tokens (%s), vocab %d, block length %d, %.1f s%n",
          report.directory(), report.manifest().dtype().id(),
          report.manifest().tokenizer().path("kind").asText(), report.manifest().vocabSize(),
          report.manifest().blockLength(), report.seconds());
      report.table().forEach(out::println);
      out.flush();
    }
  }
}
