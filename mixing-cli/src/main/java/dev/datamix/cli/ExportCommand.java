package dev.datamix.cli;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.megatron.MegatronExport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code datamix export}: a prepared domain in another trainer's format. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Write prepared domains in another trainer's format. --format megatron writes",
        "PREFIX.bin and PREFIX.idx, a Megatron-LM indexed dataset (one document of one sequence",
        "per document, its end-of-text token included, as preprocess_data.py --append-eod",
        "writes; uint16 tokens below a vocabulary of 65,500, int32 above). With several",
        "--domain or --split values, PREFIX gets _<domain>_<split> appended. Existing files are",
        "refused unless --overwrite."})
public final class ExportCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--corpus", required = true, description = "prepared corpus to read")
  Path corpus;

  @Option(names = "--format", required = true, description = "the format: megatron")
  String format;

  @Option(names = "--domain", required = true, split = ",", description = "domains to export")
  List<String> domains;

  @Option(names = "--split", defaultValue = "train", split = ",",
      description = "splits to export: train, val, test (default: ${DEFAULT-VALUE})")
  List<String> splits;

  @Option(names = "--out", required = true, paramLabel = "PREFIX",
      description = "output path without extension")
  Path out;

  @Option(names = "--overwrite", description = "replace existing files at the prefix")
  boolean overwrite;

  @Override
  public Integer call() throws IOException {
    if (!format.equals("megatron")) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--format must be 'megatron', got '" + format + "'");
    }
    List<Split> parsed = new ArrayList<>();
    for (String s : splits) {
      try {
        parsed.add(Split.fromId(s));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--split: "
            + e.getMessage());
      }
    }
    boolean several = domains.size() * parsed.size() > 1;
    try (Corpus c = Corpus.open(corpus)) {
      for (String d : domains) {
        c.domainIndex(d); // an unknown domain fails before anything is written
      }
      for (String d : domains) {
        for (Split s : parsed) {
          Path prefix = several ? out.resolveSibling(out.getFileName() + "_" + d + "_" + s.id())
              : out;
          MegatronExport.Result r = MegatronExport.write(c, d, s, prefix, overwrite);
          spec.commandLine().getOut().printf(Locale.ROOT,
              "%s.bin/.idx: domain %s split %s, %,d documents, %,d tokens (%s)%n",
              r.prefix(), d, s.id(), r.documents(), r.tokens(), r.dtypeId());
        }
      }
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
