package dev.datamix.spark;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.prepare.FileSources;
import dev.datamix.corpus.prepare.PrepareReport;
import dev.datamix.djl.train.TrainingConfig;
import dev.datamix.djl.workflow.TrainerSwarmRunner;
import dev.datamix.mixlaw.Swarm;
import dev.datamix.mixlaw.SwarmOptions;
import dev.datamix.mixlaw.SwarmPlan;
import dev.datamix.mixlaw.SwarmTable;
import dev.datamix.shootout.Shootout;
import dev.datamix.shootout.ShootoutReport;
import dev.datamix.shootout.ShootoutSpec;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.Json;
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
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code datamix-spark}: the commands that hand their work to Apache Spark ({@code local[*]} by
 * default, any cluster with {@code --master}). Exit code 0 on success, 1 on a failure, 2 on bad
 * usage.
 */
@Command(name = "datamix-spark", mixinStandardHelpOptions = true, version = "datamix 0.1.0",
    description = "datamix's work that outgrows one machine, on Apache Spark.",
    subcommands = {DatamixSpark.Prepare.class, DatamixSpark.SwarmRuns.class,
        DatamixSpark.ShootoutRuns.class})
public final class DatamixSpark implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code. */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new DatamixSpark());
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("datamix-spark: " + e.getMessage());
      return 1;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a subcommand is required: " + spec.subcommands().keySet());
  }

  /** Options every command shares. */
  static class SparkOptions {
    @Option(names = "--master", defaultValue = "local[*]",
        description = "Spark master (default: ${DEFAULT-VALUE}: every core of this machine)")
    String master;
  }

  /** {@code prepare}: a corpus by a Spark job. */
  @Command(name = "prepare", mixinStandardHelpOptions = true,
      description = {"Tokenise text, JSONL and Parquet into a corpus with a Spark job: the same",
          "tokens as datamix prepare on the same files. --domain name=path[,path...] or",
          "--domains-from DIR as in datamix prepare; --out must be on a filesystem every",
          "executor sees."})
  static final class Prepare implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    SparkOptions spark = new SparkOptions();

    @Option(names = "--out", required = true, description = "corpus directory to write")
    Path out;

    @Option(names = "--overwrite", description = "replace the corpus in --out")
    boolean overwrite;

    @Option(names = "--domain", paramLabel = "NAME=PATH[,PATH...]", description = "repeatable")
    List<String> domains = new ArrayList<>();

    @Option(names = "--domains-from", paramLabel = "DIR",
        description = "one domain per file-name stem in DIR")
    Path domainsFrom;

    @Option(names = "--tokenizer", defaultValue = "byte",
        description = "'byte' or a tokenizer.json (default: ${DEFAULT-VALUE})")
    String tokenizer;

    @Option(names = "--tokenizer-engine", defaultValue = "auto",
        description = "auto, jtokkit or hf, as in datamix prepare")
    String engine;

    @Option(names = "--block-length", defaultValue = "256", description = "tokens per block")
    int blockLength;

    @Option(names = "--text-field", defaultValue = "text",
        description = "JSONL and Parquet column holding the text")
    String textField;

    @Option(names = "--val-fraction", defaultValue = "0.05") double valFraction;

    @Option(names = "--test-fraction", defaultValue = "0.05") double testFraction;

    @Option(names = "--seed", defaultValue = "0") long seed;

    @Option(names = "--partitions", description = "shard sets per domain (default: Spark's "
        + "default parallelism)")
    Integer partitions;

    @Override
    public Integer call() throws IOException {
      Map<String, List<Path>> sources = sources();
      Tokenizer t = tokenizer.equals("byte") ? ByteTokenizer.instance()
          : Tokenizers.load(Path.of(tokenizer), engine, null);
      SparkSession session = SparkSessions.open(spark.master, "datamix prepare");
      try {
        long start = System.nanoTime();
        int p = partitions != null ? partitions
            : session.sparkContext().defaultParallelism();
        PrepareReport report = new SparkPrepare(session, out, t, blockLength, sources,
            textField, FileSources.DEFAULT_SEPARATOR, valFraction, testFraction, seed, p)
            .run(overwrite ? ExistingOutput.OVERWRITE : ExistingOutput.REFUSE);
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "corpus %s: %s tokens, vocab %d, block length %d, %d partitions "
            + "per domain on %s, %.1f s%n", report.directory(), report.manifest().dtype().id(),
            report.manifest().vocabSize(), report.manifest().blockLength(), p, spark.master,
            (System.nanoTime() - start) / 1e9);
        report.table().forEach(o::println);
        o.flush();
      } finally {
        session.stop();
      }
      return 0;
    }

    private Map<String, List<Path>> sources() throws IOException {
      Map<String, List<Path>> m = new LinkedHashMap<>();
      if ((domainsFrom == null) == domains.isEmpty()) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "give exactly one of --domain or --domains-from");
      }
      if (domainsFrom != null) {
        try (var files = Files.list(domainsFrom)) {
          for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
            String name = f.getFileName().toString();
            if (!name.startsWith(".")) {
              m.computeIfAbsent(name.substring(0, name.indexOf('.') < 0 ? name.length()
                  : name.indexOf('.')), k -> new ArrayList<>()).add(f);
            }
          }
        }
        return m;
      }
      for (String d : domains) {
        int eq = d.indexOf('=');
        if (eq <= 0 || eq == d.length() - 1) {
          throw new CommandLine.ParameterException(spec.commandLine(),
              "--domain must be NAME=PATH[,PATH...], got '" + d + "'");
        }
        for (String p : d.substring(eq + 1).split(",")) {
          m.computeIfAbsent(d.substring(0, eq), k -> new ArrayList<>()).add(Path.of(p));
        }
      }
      return m;
    }
  }

  /** {@code swarm}: RegMix's proxies as Spark tasks. */
  @Command(name = "swarm", mixinStandardHelpOptions = true,
      description = {"Train a swarm of proxy runs (as datamix swarm) with one Spark task per run,",
          "each in a JVM of its own with spark.task.cpus PyTorch threads. --resume skips the",
          "finished runs and resumes an interrupted one."})
  static final class SwarmRuns implements Callable<Integer> {
    @CommandLine.Mixin
    SparkOptions spark = new SparkOptions();

    @Option(names = "--corpus", required = true) Path corpus;

    @Option(names = "--out", required = true) Path out;

    @Option(names = "--runs", required = true) int runs;

    @CommandLine.Mixin
    dev.datamix.cli.TrainerSettings settings;

    @Option(names = "--max-epochs", defaultValue = "15") double maxEpochs;

    @Option(names = "--swarm-seed", defaultValue = "0") long swarmSeed;

    @Option(names = "--resume") boolean resume;

    @Override
    public Integer call() throws IOException {
      TrainingConfig config = settings.trainingConfig();
      SwarmPlan plan;
      Swarm swarm;
      try (Corpus c = Corpus.open(corpus)) {
        TrainerSwarmRunner runner = new TrainerSwarmRunner(c, config);
        plan = SwarmPlan.sample(runner.domains(), new SwarmOptions(runs, 1.0, 2e-4, maxEpochs,
            runner.tokensPerRun(), 0.1, 5.0, swarmSeed));
        swarm = new Swarm(plan, runner.settings(), out);
        swarm.claim(resume ? ExistingOutput.RESUME : ExistingOutput.REFUSE);
      }
      SparkSession session = SparkSessions.open(spark.master, "datamix swarm");
      try {
        SwarmTable t = SparkRuns.swarm(session, swarm, out, corpus, config);
        System.out.println("wrote " + out.resolve(SwarmTable.RATIOS) + " and "
            + out.resolve(SwarmTable.METRICS) + " (" + t.runs().size() + " runs)");
      } finally {
        session.stop();
      }
      return 0;
    }
  }

  /** {@code shootout}: a shoot-out's runs as Spark tasks. */
  @Command(name = "shootout", mixinStandardHelpOptions = true,
      description = {"Run a shoot-out (as datamix shootout) with one Spark task per run, then",
          "write its report. --resume skips finished runs."})
  static final class ShootoutRuns implements Callable<Integer> {
    @CommandLine.Mixin
    SparkOptions spark = new SparkOptions();

    @Option(names = "--spec", description = "a shoot-out spec JSON (default: the quick spec)")
    Path specFile;

    @Option(names = "--out", required = true) Path out;

    @Option(names = "--resume") boolean resume;

    @Override
    public Integer call() throws IOException {
      ShootoutSpec s = specFile == null ? ShootoutSpec.quick()
          : ShootoutSpec.fromJson(Json.read(specFile), ShootoutSpec.quick());
      new Shootout(s, out, System.err).claim(resume ? ExistingOutput.RESUME
          : ExistingOutput.REFUSE);
      SparkSession session = SparkSessions.open(spark.master, "datamix shootout");
      try {
        SparkRuns.shootout(session, s, out);
      } finally {
        session.stop();
      }
      ShootoutReport.write(out);
      System.out.println("report: " + out.resolve("report.md"));
      return 0;
    }
  }
}
