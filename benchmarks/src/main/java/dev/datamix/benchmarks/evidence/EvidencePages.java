package dev.datamix.benchmarks.evidence;

import dev.datamix.benchmarks.DgaKnobSweep;
import dev.datamix.benchmarks.TrainerOverhead;
import dev.datamix.benchmarks.report.JmhMarkdown;
import dev.datamix.shootout.ShootoutReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The results pages of {@code docs/} that regenerate from raw files committed beside them, and
 * how: a shoot-out directory ({@code spec.json}, {@code provenance.json}, each run's {@code
 * result.json}), a JMH page ({@code docs/benchmarks/<suite>/}), the DGA overhead sweep ({@code
 * sweep.json}), DoReMi's reference cost ({@code reference-cost.json}), the mixing laws' costs
 * ({@code costs.json}) and fits ({@code fit-mix.json}), and the simulated knob sweep
 * (recomputed: the simulated learner takes seconds). A results page that is none of these must
 * carry {@link #NOTICE}.
 */
public final class EvidencePages {
  /** The first words of the notice on a page that predates the gradient fix. */
  public static final String NOTICE = "> **Not re-run since the gradient fix.**";

  private EvidencePages() {}

  /** The kinds of regenerable page. */
  public enum Kind {
    /** {@link ShootoutReport} over a shoot-out directory. */
    SHOOTOUT,
    /** {@link JmhMarkdown} over {@code docs/benchmarks/<suite>/}. */
    JMH,
    /** {@link DgaOverheadSweep#render} over {@code sweep.json}. */
    DGA_OVERHEAD,
    /** {@link DgaKnobSweep}, recomputed on the simulated learner. */
    KNOB_SWEEP,
    /** {@link TrainerOverhead#render} over {@code docs/benchmarks/trainer/overhead.json}. */
    TRAINER,
    /** {@link PeersEvidence#renderReferenceCost} over {@code reference-cost.json}. */
    REFERENCE_COST,
    /** {@link MixingLawEvidence#renderCosts} over {@code costs.json}. */
    MIXLAW_COSTS,
    /** {@link dev.datamix.mixlaw.MixFit#markdown} over {@code fit-mix.json}. */
    FIT_MIX,
    /** {@link ContinualEvidence#render} over {@code continual.json} and its runs' results. */
    CONTINUAL,
    /** {@link LfrEfficiencyEvidence#render} over {@code premise.json} and the shoot-outs. */
    LFR_EFFICIENCY,
    /** {@link LeaderboardEvidence#render} over {@code leaderboard.json}. */
    LEADERBOARD,
    /** {@link VelocituneEvidence#renderVelocities} over a shoot-out and its targets. */
    VELOCITIES
  }

  /**
   * A regenerable page.
   *
   * @param name a short name
   * @param kind how it regenerates
   * @param raw the directory of its raw files
   * @param markdown the page
   * @param regenerate the command that regenerates it
   */
  public record Page(String name, Kind kind, Path raw, Path markdown, String regenerate) {}

  /**
   * Rewrites regenerable pages from their raw files: {@code EvidencePages DOCS [NAME...]}, every
   * page under {@code DOCS} or only those named ({@link Page#name}).
   */
  public static void main(String[] args) throws IOException {
    Path docs = Path.of(args[0]);
    List<String> names = List.of(args).subList(1, args.length);
    Path scratch = Files.createTempDirectory("evidence-pages");
    for (Page page : all(docs)) {
      if (names.isEmpty() || names.contains(page.name())) {
        Files.writeString(page.markdown(), regenerate(page, scratch.resolve(page.name())));
        System.out.println("wrote " + page.markdown());
      }
    }
  }

  /** Every regenerable page under {@code docs}. */
  public static List<Page> all(Path docs) throws IOException {
    List<Page> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(docs)) {
      for (Path p : s.sorted().toList()) {
        Path parent = p.getParent();
        String file = p.getFileName().toString();
        if (file.equals("spec.json") && Files.exists(parent.resolve(ShootoutReport.PROVENANCE))) {
          out.add(new Page(parent.getFileName().toString(), Kind.SHOOTOUT, parent,
              parent.resolve("report.md"), "benchmarks/run-shootout.sh --report-only --out "
              + parent));
        } else if (file.equals(JmhMarkdown.PAGE)) {
          String suite = parent.getFileName().toString();
          out.add(new Page("jmh-" + suite, Kind.JMH, parent,
              docs.resolve("benchmarks-" + suite + ".md"), "benchmarks/run-jmh.sh " + suite));
        } else if (file.equals(TrainerOverhead.RAW)) {
          out.add(new Page("trainer-overhead", Kind.TRAINER, parent,
              docs.resolve("benchmarks-trainer.md"), "benchmarks/run-trainer-overhead.sh"));
        } else if (file.equals(PeersEvidence.REFERENCE_COST)) {
          out.add(new Page(parent.getFileName().toString(), Kind.REFERENCE_COST, parent,
              parent.resolve("report.md"), "benchmarks/run-peers.sh"));
        } else if (file.equals(MixingLawEvidence.COSTS)) {
          out.add(new Page(parent.getFileName().toString(), Kind.MIXLAW_COSTS, parent,
              parent.resolve("report.md"), "benchmarks/run-mixing-laws.sh"));
        } else if (file.equals("fit-mix.json")) {
          out.add(new Page(parent.getFileName().toString(), Kind.FIT_MIX, parent,
              parent.resolve("fit-mix.md"), "datamix fit-mix (or benchmarks/run-mixing-laws.sh)"));
        } else if (file.equals(LfrEfficiencyEvidence.PREMISE)) {
          out.add(new Page(parent.getFileName().toString(), Kind.LFR_EFFICIENCY, parent,
              parent.resolve("report.md"), "benchmarks/run-lfr-efficiency.sh"));
        } else if (file.equals(VelocituneEvidence.TARGETS)) {
          out.add(new Page(parent.getFileName() + "-velocities", Kind.VELOCITIES, parent,
              parent.resolve(VelocituneEvidence.VELOCITIES), "benchmarks/run-velocitune.sh"));
        } else if (file.equals(LeaderboardEvidence.RAW)) {
          out.add(new Page("leaderboard", Kind.LEADERBOARD, parent,
              parent.resolveSibling("leaderboard.md"), "benchmarks/run-leaderboard.sh"));
        } else if (file.equals(ContinualEvidence.RAW)) {
          out.add(new Page(parent.getFileName().toString(), Kind.CONTINUAL, parent,
              parent.resolve("report.md"), "benchmarks/run-continual.sh"));
        } else if (file.equals(DgaOverheadSweep.RAW)) {
          out.add(new Page(parent.getFileName().toString(), Kind.DGA_OVERHEAD, parent,
              parent.resolve("report.md"), "benchmarks/run-dga.sh --sweep-only true"));
        }
      }
    }
    Path knobs = docs.resolve("dga-knob-sweep.md");
    if (Files.exists(knobs)) {
      out.add(new Page("dga-knob-sweep", Kind.KNOB_SWEEP, docs, knobs,
          "java -cp \"$(benchmarks/classpath.sh)\" dev.datamix.benchmarks.DgaKnobSweep "
              + "docs/dga-knob-sweep.md"));
    }
    return out;
  }

  /**
   * Regenerates {@code page} from its raw files into {@code scratch} (a new directory; the
   * committed files are not touched) and returns the page's text.
   */
  public static String regenerate(Page page, Path scratch) throws IOException {
    Files.createDirectories(scratch);
    switch (page.kind()) {
      case SHOOTOUT -> {
        copyTree(page.raw(), scratch);
        ShootoutReport.write(scratch);
        return Files.readString(scratch.resolve("report.md"));
      }
      case JMH -> {
        Path raw = scratch.resolve(page.raw().getFileName());
        copyTree(page.raw(), raw);
        Path md = scratch.resolve("page.md");
        JmhMarkdown.render(raw, md);
        return Files.readString(md);
      }
      case DGA_OVERHEAD -> {
        copyTree(page.raw(), scratch);
        DgaOverheadSweep.render(scratch);
        return Files.readString(scratch.resolve("report.md"));
      }
      case REFERENCE_COST -> {
        copyTree(page.raw(), scratch);
        return PeersEvidence.renderReferenceCost(scratch);
      }
      case MIXLAW_COSTS -> {
        copyTree(page.raw(), scratch);
        return MixingLawEvidence.renderCosts(scratch);
      }
      case FIT_MIX -> {
        return dev.datamix.mixlaw.MixFit.markdown(dev.datamix.state.Json.read(
            page.raw().resolve("fit-mix.json")));
      }
      case LFR_EFFICIENCY -> {
        copyTree(page.raw(), scratch);
        return LfrEfficiencyEvidence.render(scratch);
      }
      case CONTINUAL -> {
        copyTree(page.raw(), scratch);
        return ContinualEvidence.render(scratch);
      }
      case VELOCITIES -> {
        return VelocituneEvidence.renderVelocities(page.raw());
      }
      case LEADERBOARD -> {
        return LeaderboardEvidence.render(page.raw());
      }
      case TRAINER -> {
        return TrainerOverhead.render(page.raw(), scratch.resolve("benchmarks-trainer.md"));
      }
      case KNOB_SWEEP -> {
        Path md = scratch.resolve("dga-knob-sweep.md");
        DgaKnobSweep.write(md);
        return Files.readString(md);
      }
      default -> throw new IllegalStateException(page.kind().toString());
    }
  }

  /**
   * Whether {@code p} is a results page: a {@code report.md}, a {@code *-results*.md}, a {@code
   * benchmarks-*.md} or a {@code *sweep*.md} under {@code docs/}.
   */
  public static boolean isResultsPage(Path p) {
    String f = p.getFileName().toString();
    return f.endsWith(".md") && (f.equals("report.md") || f.contains("-results")
        || f.startsWith("benchmarks-") || f.contains("sweep"));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().endsWith(".png")
            && !p.getFileName().toString().endsWith(".svg")) {
          Files.copy(p, target);
        }
      }
    }
  }
}
