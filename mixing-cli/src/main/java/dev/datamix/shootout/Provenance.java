package dev.datamix.shootout;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Where a set of results came from: the command, the commit, the date and the machine. Written
 * beside the raw runs when they are produced and printed in the report's header, so a report
 * regenerated later still says what produced its numbers.
 *
 * @param command the command line as typed
 * @param commit the git commit of the working tree, with {@code +changes} when files differed
 *     from it, or {@code unknown} outside a git work tree
 * @param date the UTC date
 * @param cores available processors
 * @param java the Java runtime version
 * @param djl DJL's version
 * @param engine the deep-learning engine and its version
 */
public record Provenance(String command, String commit, String date, int cores, String java,
    String djl, String engine) {

  /** The provenance of a command run now, in this process. */
  public static Provenance capture(String command) {
    String commit = git("rev-parse", "--short=12", "HEAD");
    if (commit.isEmpty()) {
      commit = "unknown";
    } else if (!git("status", "--porcelain", "--untracked-files=no").isEmpty()) {
      commit += "+changes";
    }
    String djl;
    String engine;
    try {
      Engine e = Engine.getInstance();
      djl = Engine.getDjlVersion();
      engine = e.getEngineName() + " " + e.getVersion();
    } catch (LinkageError notOnTheClassPath) {
      // a JMH jar measures datamix's own code and carries no DJL
      djl = "not loaded";
      engine = "no engine";
    }
    return new Provenance(command, commit, LocalDate.now(ZoneOffset.UTC).toString(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), djl,
        engine);
  }

  /** The command as the scripts pass it ({@code -Ddatamix.command}), or {@code fallback}. */
  public static String command(String fallback) {
    return System.getProperty("datamix.command", fallback);
  }

  private static String git(String... args) {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "git";
    System.arraycopy(args, 0, cmd, 1, args.length);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** This provenance as JSON. */
  public ObjectNode toJson() {
    return Json.object().put("command", command).put("commit", commit).put("date", date)
        .put("cores", cores).put("java", java).put("djl", djl).put("engine", engine);
  }

  /** Reads {@link #toJson()}'s output. */
  public static Provenance fromJson(JsonNode o) {
    return new Provenance(o.path("command").asText(), o.path("commit").asText(),
        o.path("date").asText(), o.path("cores").asInt(), o.path("java").asText(),
        o.path("djl").asText(), o.path("engine").asText());
  }

  /** One Markdown sentence: command, commit, date and machine. */
  public String sentence() {
    return String.format(Locale.ROOT, "`%s` at commit `%s` on %s (%d cores, Java %s, DJL %s, "
        + "%s)", command, commit, date, cores, java, djl, engine);
  }
}
