package dev.datamix.cli;

import dev.datamix.state.ExistingOutput;
import dev.datamix.state.OutputExistsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code datamix} command line. Exit code 0 on success, 1 on a failure, 2 on bad usage. */
@Command(name = "datamix", mixinStandardHelpOptions = true, version = "datamix 0.1.0",
    description = "Data-mixing strategies for language-model pre-training.",
    subcommands = {PrepareCommand.class, PoliciesCommand.class, TrainCommand.class,
        FitCommand.class, SwarmCommand.class, FitMixCommand.class, ShootoutCommand.class,
        ReportCommand.class, ClusterCommand.class, ExportCommand.class,
        AuditCommand.class})
public final class Datamix implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (for tests and embedding). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Datamix());
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("datamix: " + message(e));
      return 1;
    });
    return cli.execute(args);
  }

  /** The error line of a failed command: existing work names the options that decide. */
  static String message(Exception e) {
    if (e instanceof OutputExistsException o && o.ours()) {
      return o.situation() + "; nothing was changed: pass " + (o.resumable()
          ? "--resume to continue it, or " : "") + "--overwrite to delete it and start again";
    }
    return e.getMessage();
  }

  /**
   * What to do with existing work, from a command's {@code --resume} and {@code --overwrite}.
   *
   * @throws CommandLine.ParameterException if both are given
   */
  static ExistingOutput outputMode(CommandLine command, boolean resume, boolean overwrite) {
    if (resume && overwrite) {
      throw new CommandLine.ParameterException(command,
          "--resume and --overwrite exclude each other");
    }
    return resume ? ExistingOutput.RESUME
        : overwrite ? ExistingOutput.OVERWRITE : ExistingOutput.REFUSE;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a subcommand is required: " + spec.subcommands().keySet());
  }
}
