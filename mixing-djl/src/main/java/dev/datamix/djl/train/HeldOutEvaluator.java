package dev.datamix.djl.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.ParameterStore;
import dev.datamix.corpus.BatchAssembler;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.djl.model.GptModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-domain held-out loss on fixed blocks of a split: for each domain, {@code k} blocks evenly
 * spaced over the split (the same blocks at every evaluation), or every block of the split
 * ({@link #ALL_BLOCKS}), forward only.
 */
final class HeldOutEvaluator {
  private final Corpus corpus;
  private final Split split;
  private final int[] corpusDomains;
  private final long[][] blocks;
  private final int batch;
  private final BatchAssembler assembler;

  /** {@code blocksPerDomain} that evaluates every block of the split. */
  static final int ALL_BLOCKS = Integer.MAX_VALUE;

  HeldOutEvaluator(Corpus corpus, Split split, int[] corpusDomains, int blocksPerDomain,
      int batch) {
    this.corpus = corpus;
    this.split = split;
    this.corpusDomains = corpusDomains.clone();
    this.batch = batch;
    this.blocks = new long[corpusDomains.length][];
    for (int d = 0; d < corpusDomains.length; d++) {
      long n = corpus.blocks(corpusDomains[d], split);
      int k = (int) Math.min(blocksPerDomain, n);
      blocks[d] = new long[k];
      for (int i = 0; i < k; i++) {
        blocks[d][i] = i * n / k;
      }
    }
    this.assembler = new BatchAssembler(corpus, split, batch);
  }

  /** Domains (by position) that have no block in the split: their loss is NaN. */
  List<String> unmeasured() {
    List<String> out = new ArrayList<>();
    for (int d = 0; d < blocks.length; d++) {
      if (blocks[d].length == 0) {
        out.add(corpus.domainNames().get(corpusDomains[d]));
      }
    }
    return out;
  }

  /** Mean per-token loss (nats) per domain; NaN for a domain without blocks. */
  double[] evaluate(GptModel model, ParameterStore ps, NDManager manager, Device device) {
    double[][] perBlock = perBlockLosses(model, ps, manager, device);
    double[] out = new double[blocks.length];
    for (int d = 0; d < blocks.length; d++) {
      double sum = 0;
      for (double l : perBlock[d]) {
        sum += l;
      }
      out[d] = perBlock[d].length == 0 ? Double.NaN : sum / perBlock[d].length;
    }
    return out;
  }

  /**
   * Each evaluated block's mean per-token loss (nats), per domain, in block order; an empty array
   * for a domain without blocks.
   */
  double[][] perBlockLosses(GptModel model, ParameterStore ps, NDManager manager,
      Device device) {
    double[][] out = new double[blocks.length][];
    int rowLength = assembler.rowLength();
    int[] doms = new int[batch];
    long[] refs = new long[batch];
    for (int d = 0; d < blocks.length; d++) {
      out[d] = new double[blocks[d].length];
      for (int from = 0; from < blocks[d].length; from += batch) {
        int n = Math.min(batch, blocks[d].length - from);
        for (int i = 0; i < n; i++) {
          doms[i] = corpusDomains[d];
          refs[i] = blocks[d][from + i];
        }
        assembler.assemble(doms, refs, n);
        float[] losses;
        // one scope per batch: a whole split's activations would otherwise pile up until the end
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          losses = ModelBatch.perBlockLoss(model, ps, manager, device, assembler.tokens(), 0, n,
              rowLength, false).toFloatArray();
        }
        for (int i = 0; i < n; i++) {
          out[d][from + i] = losses[i];
        }
      }
    }
    return out;
  }
}
