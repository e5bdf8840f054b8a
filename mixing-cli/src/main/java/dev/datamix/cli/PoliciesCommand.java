package dev.datamix.cli;

import dev.datamix.config.ConfigKey;
import dev.datamix.policy.MixingPolicyProvider;
import dev.datamix.policy.PolicyRegistry;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code datamix policies}: the registered policies and their config keys with defaults. */
@Command(name = "policies", mixinStandardHelpOptions = true,
    description = "List the registered mixing policies and their config keys.")
public final class PoliciesCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    for (MixingPolicyProvider p : PolicyRegistry.load().providers()) {
      out.println(p.name() + ": " + p.description());
      if (p.configSchema().keys().isEmpty()) {
        out.println("    (no config keys)");
      }
      for (ConfigKey<?> k : p.configSchema().keys()) {
        out.println("    " + k);
      }
      out.println();
    }
    out.flush();
    return 0;
  }
}
