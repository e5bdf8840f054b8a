package dev.datamix.djl.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Split;
import dev.datamix.mixture.Domain;
import dev.datamix.run.RunDirectory;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains a {@link MixingTrainer} to its configured step count while recording a loss curve: the
 * loss of every domain on one split every {@code evalEvery} steps, appended to {@code
 * curve.jsonl} in the run directory, one JSON object per line: {@code {"step", "tokens",
 * "wallSeconds", "nats": {domain: loss}, "bpb": {domain: bits per byte}, "meanBpb"}} plus {@code
 * "targetBpb"} when the trainer has a target domain. A checkpoint is saved after every point, so a
 * resumed run keeps the points up to its checkpoint and continues the curve; {@code datamix
 * report} and the shoot-out read the file.
 */
public final class LossCurve {
  /** The file name inside a run directory. */
  public static final String FILE_NAME = RunDirectory.CURVE;

  private final MixingTrainer trainer;
  private final Split split;
  private final long evalEvery;
  private final Path file;

  /**
   * @param trainer the trainer (built, possibly resumed)
   * @param split the split the curve is measured on
   * @param evalEvery steps between points, {@code > 0}
   * @param runDirectory where {@code curve.jsonl} is kept
   */
  public LossCurve(MixingTrainer trainer, Split split, long evalEvery, Path runDirectory) {
    if (evalEvery <= 0) {
      throw new IllegalArgumentException("evalEvery must be > 0, got " + evalEvery);
    }
    this.trainer = trainer;
    this.split = split;
    this.evalEvery = evalEvery;
    this.file = runDirectory.resolve(FILE_NAME);
  }

  /**
   * Trains to {@code config().steps()}, measuring a point at step 0 (unless resumed past it) and
   * every {@code evalEvery} steps and at the end, and saving a checkpoint after each.
   *
   * @param progress where a line per point goes, or null
   * @param label prefix of those lines
   * @return every point of the curve, the earlier ones of a resumed run included (a run at step
   *     0 starts a new curve, replacing any file there)
   * @throws IOException if the curve or a checkpoint cannot be written
   */
  public List<JsonNode> run(PrintStream progress, String label) throws IOException {
    List<JsonNode> points = new ArrayList<>();
    double wallBefore = 0;
    if (trainer.step() > 0) {
      // the points of the steps the checkpoint has taken; later ones are measured again
      points.addAll(RunDirectory.retain(file, n -> n.path("step").asLong() <= trainer.step()));
      if (!points.isEmpty()) {
        wallBefore = points.get(points.size() - 1).path("wallSeconds").asDouble();
      }
    }
    long start = System.nanoTime();
    if (points.isEmpty()) {
      points.add(measure(0));
      AtomicFiles.writeString(file, points.get(0) + "\n");
    }
    long steps = trainer.config().steps();
    while (trainer.step() < steps) {
      long next = Math.min(steps, (trainer.step() / evalEvery + 1) * evalEvery);
      trainer.runSteps(next);
      ObjectNode point = measure(wallBefore + (System.nanoTime() - start) / 1e9);
      Files.writeString(file, point + "\n", StandardOpenOption.APPEND);
      points.add(point);
      trainer.saveCheckpoint();
      if (progress != null) {
        progress.println(String.format(Locale.ROOT, "%s: step %d/%d, %s mean %.4f bits/byte",
            label, trainer.step(), steps, split.name().toLowerCase(Locale.ROOT),
            point.path("meanBpb").asDouble()));
      }
    }
    return points;
  }

  /** Measures one point now (every domain's loss on the split, and the target's). */
  public ObjectNode measure(double wallSeconds) {
    ObjectNode p = Json.object();
    p.put("step", trainer.step());
    p.put("tokens", trainer.tokensSeen());
    p.put("wallSeconds", wallSeconds);
    double[] nats = trainer.evaluate(split);
    ObjectNode natsNode = p.putObject("nats");
    ObjectNode bpb = p.putObject("bpb");
    double mean = 0;
    List<Domain> domains = trainer.domains();
    for (int d = 0; d < domains.size(); d++) {
      double v = trainer.bitsPerByte(nats[d], d, split);
      natsNode.put(domains.get(d).name(), nats[d]);
      bpb.put(domains.get(d).name(), v);
      mean += v / domains.size();
    }
    p.put("meanBpb", mean);
    String target = trainer.config().targetDomain();
    if (!target.isEmpty()) {
      double n = trainer.evaluateDomain(target, split);
      p.put("targetBpb",
          trainer.corpus().bitsPerByte(n, trainer.corpus().domainIndex(target), split));
    }
    return p;
  }
}
