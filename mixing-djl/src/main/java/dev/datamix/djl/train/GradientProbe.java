package dev.datamix.djl.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.datamix.corpus.BatchAssembler;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.djl.model.GptModel;
import dev.datamix.mixture.Mixture;
import dev.datamix.random.Seeds;
import dev.datamix.signal.DoubleVector;
import dev.datamix.signal.Observation;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient alignment for DGA: the gradient of a small batch drawn from each probe distribution,
 * dotted with the gradient of a small batch of the target set. The target gradient is held once;
 * probe gradients are consumed one at a time (dot product, norm), so K probes never need K full
 * gradient copies — unless the full Gram matrix is requested, which holds the m probe gradients.
 *
 * <p>Blocks are drawn statelessly from {@code (seed, step, probe, row)}: a resumed run probes the
 * same blocks. Target blocks come from the first {@code targetBlocks} blocks of the target
 * domain's training split.
 *
 * @see <a href="https://arxiv.org/abs/2410.02498">Fan, Grangier and Ablin, Dynamic Gradient
 *     Alignment for Online Data Mixing, 2024</a>
 */
public final class GradientProbe {
  private static final long STREAM_TARGET = 0x7461726765L;
  private static final long STREAM_PROBE = 0x70726f6265L;

  private final Corpus corpus;
  private final int[] corpusDomains;
  private final int targetDomain;
  private final long targetBlocks;
  private final int batch;
  private final long seed;
  private final BatchAssembler assembler;

  /**
   * @param corpusDomains corpus index of each training domain (probe mixtures are over these)
   * @param targetDomain corpus index of the target domain
   * @param targetBlocks how many of its first training blocks may be used
   * @param batch blocks per probe batch
   */
  public GradientProbe(Corpus corpus, int[] corpusDomains, int targetDomain, int targetBlocks,
      int batch, long seed) {
    this.corpus = corpus;
    this.corpusDomains = corpusDomains.clone();
    this.targetDomain = targetDomain;
    this.targetBlocks = Math.min(targetBlocks, corpus.blocks(targetDomain, Split.TRAIN));
    if (this.targetBlocks <= 0) {
      throw new IllegalArgumentException("target domain '" + corpus.domainNames().get(targetDomain)
          + "' has no training block to probe");
    }
    this.batch = batch;
    this.seed = seed;
    this.assembler = new BatchAssembler(corpus, Split.TRAIN, batch);
  }

  /** Fills the assembler with the target batch of {@code step}. */
  void assembleTarget(long step) {
    int[] d = new int[batch];
    long[] b = new long[batch];
    for (int i = 0; i < batch; i++) {
      d[i] = targetDomain;
      b[i] = Long.remainderUnsigned(Seeds.hash(seed, STREAM_TARGET, step, i), targetBlocks);
    }
    assembler.assemble(d, b, batch);
  }

  /** Fills the assembler with the batch of probe {@code probe} at {@code step}. */
  void assembleProbe(long step, int probe, Mixture mixture) {
    int[] d = new int[batch];
    long[] b = new long[batch];
    for (int i = 0; i < batch; i++) {
      double u = Seeds.toUnitDouble(Seeds.hash(seed, STREAM_PROBE, step, probe, 2L * i));
      int k = 0;
      double acc = mixture.weight(0);
      while (u >= acc && k < mixture.size() - 1) {
        k++;
        acc += mixture.weight(k);
      }
      while (mixture.weight(k) == 0 && k > 0) {
        k--;
      }
      d[i] = corpusDomains[k];
      b[i] = Long.remainderUnsigned(Seeds.hash(seed, STREAM_PROBE, step, probe, 2L * i + 1),
          corpus.blocks(d[i], Split.TRAIN));
    }
    assembler.assemble(d, b, batch);
  }

  /**
   * Back-propagates the mean loss of the assembled batch and returns copies of the gradients (in
   * the model's parameter order); the model's gradients are zeroed afterwards.
   */
  List<NDArray> gradient(GptModel model, ParameterStore ps, NDManager manager, Device device) {
    List<Parameter> params = model.orderedParameters();
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray loss = ModelBatch.perBlockLoss(model, ps, manager, device, assembler.tokens(), 0,
          batch, assembler.rowLength(), true).mean();
      gc.backward(loss);
    }
    List<NDArray> out = new ArrayList<>();
    for (Parameter p : params) {
      NDArray w = ps.getValue(p, device, true);
      NDArray g = w.getGradient();
      out.add(g.duplicate());
      g.set(new NDIndex(":"), 0f);
    }
    return out;
  }

  int[] assemblerTokens() {
    return assembler.tokens();
  }

  int batchSize() {
    return batch;
  }

  int rowLength() {
    return assembler.rowLength();
  }

  static double dot(List<NDArray> a, List<NDArray> b) {
    double s = 0;
    for (int i = 0; i < a.size(); i++) {
      s += a.get(i).mul(b.get(i)).sum().getFloat();
    }
    return s;
  }

  /**
   * Measures the alignment of every probe with the target at {@code step}, on the current
   * parameters; {@code null} if a gradient was not finite (nothing false is reported).
   */
  public Observation.GradientAlignment measure(long step, List<Mixture> probes, boolean gram,
      GptModel model, ParameterStore ps, NDManager manager, Device device) {
    assembleTarget(step);
    List<NDArray> target = gradient(model, ps, manager, device);
    double targetNorm = Math.sqrt(dot(target, target));
    int m = probes.size();
    double[] scores = new double[m];
    double[] norms = new double[m];
    List<List<NDArray>> kept = new ArrayList<>();
    for (int j = 0; j < m; j++) {
      assembleProbe(step, j, probes.get(j));
      List<NDArray> g = gradient(model, ps, manager, device);
      scores[j] = dot(g, target);
      norms[j] = Math.sqrt(dot(g, g));
      if (gram) {
        kept.add(g);
      } else {
        g.forEach(NDArray::close);
      }
    }
    double[] gramValues = new double[gram ? m * m : 0];
    for (int j = 0; j < kept.size(); j++) {
      for (int k = j; k < kept.size(); k++) {
        double v = j == k ? norms[j] * norms[j] : dot(kept.get(j), kept.get(k));
        gramValues[j * m + k] = v;
        gramValues[k * m + j] = v;
      }
    }
    kept.forEach(g -> g.forEach(NDArray::close));
    target.forEach(NDArray::close);
    boolean finite = Double.isFinite(targetNorm);
    for (int j = 0; j < m; j++) {
      finite &= Double.isFinite(scores[j]) && Double.isFinite(norms[j]);
    }
    for (double g : gramValues) {
      finite &= Double.isFinite(g);
    }
    if (!finite) {
      return null;
    }
    return new Observation.GradientAlignment(step, DoubleVector.of(scores),
        DoubleVector.of(norms), targetNorm, DoubleVector.of(gramValues));
  }
}
