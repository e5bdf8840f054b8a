package dev.datamix.sim;

import dev.datamix.distributed.Collective;
import dev.datamix.distributed.ThreadCollective;
import dev.datamix.mixture.LossWeights;
import dev.datamix.mixture.Mixture;
import dev.datamix.run.DataMixer;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.signal.BlockLosses;
import dev.datamix.signal.Observation;
import dev.datamix.signal.ReferenceLosses;
import dev.datamix.signal.SignalMeter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Data-parallel training simulated in one JVM: {@code W} ranks as threads, each with its own
 * {@link DataMixer} (its own policy and sampler) over a {@link ThreadCollective}, drawing its
 * slice of each global batch and measuring only its share of every signal, while one shared
 * {@link SimulatedLearner} (the model, which data parallelism keeps identical on every rank)
 * trains on the global batch, as an all-reduce of gradients makes it. Per step, every rank's
 * {@link DataMixer#snapshot()} is recorded, so a test can check that the ranks agree with each
 * other and with a run of any other world size.
 *
 * <p>Each rank's held-out shard holds {@link #HELD_OUT_BLOCKS} blocks per domain, spread over
 * the ranks in order, each at the learner's held-out loss of its domain; the alignment is the
 * learner's, measured by every rank (rank 0's wins); a reference model's losses are taken on the
 * global batch and sliced.
 */
public final class RankedSimulation {
  /** Held-out blocks per domain, spread over the ranks. */
  public static final int HELD_OUT_BLOCKS = 8;

  private RankedSimulation() {}

  /**
   * What one step did, as every rank saw it.
   *
   * @param step the step
   * @param domains the global batch's domain of each block
   * @param blocks the global batch's block of each block
   * @param snapshots each rank's {@link DataMixer#snapshot()} after the step, as text
   */
  public record Step(long step, int[] domains, long[] blocks, List<String> snapshots) {}

  /**
   * Runs {@code steps} steps on {@code worldSize} ranks.
   *
   * @param mixerOfRank makes rank {@code r}'s mixer over the collective it is given
   * @param learner the shared model, trained in place
   * @param reference a frozen reference model, or null
   * @param batchSize the global batch, in blocks
   * @param firstStep the first step (after a restore)
   */
  public static List<Step> run(int worldSize, Function<Collective, DataMixer> mixerOfRank,
      SimulatedLearner learner, SimulatedLearner reference, int batchSize, long firstStep,
      long steps) throws Exception {
    List<ThreadCollective> group = ThreadCollective.group(worldSize);
    BlockBatch[] slices = new BlockBatch[worldSize];
    LossWeights[] weights = new LossWeights[worldSize];
    Object[] result = new Object[3]; // the step's learner result, reference losses, batch
    CyclicBarrier trained = new CyclicBarrier(worldSize, () -> {
      BlockBatch global = BlockBatch.concat(List.of(slices));
      result[0] = learner.train(global, weights[0]);
      result[1] = reference == null ? null : reference.frozenLosses(global);
      result[2] = global;
    });
    List<List<String>> snapshots = new ArrayList<>();
    List<BlockBatch> batches = new ArrayList<>();
    for (long i = 0; i < steps; i++) {
      snapshots.add(new ArrayList<>(java.util.Collections.nCopies(worldSize, "")));
      batches.add(null);
    }
    ExecutorService pool = Executors.newFixedThreadPool(worldSize);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int r = 0; r < worldSize; r++) {
        Collective c = group.get(r);
        int rank = r;
        futures.add(pool.submit(() -> {
          DataMixer mixer = mixerOfRank.apply(c);
          for (long i = 0; i < steps; i++) {
            long t = firstStep + i;
            Meter meter = new Meter(learner, rank, worldSize, batchSize, result);
            DataMixer.Measured measured = mixer.measureBeforeStep(t, meter);
            slices[rank] = mixer.drawBatch(t, batchSize, new BlockBatch(batchSize));
            weights[rank] = mixer.lossWeights(t);
            await(trained);
            if (rank == 0) {
              batches.set((int) i, (BlockBatch) result[2]);
            }
            mixer.observeAfterStep(t, measured.request(), meter);
            snapshots.get((int) i).set(rank, mixer.snapshot().toString());
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    List<Step> out = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      BlockBatch b = batches.get(i);
      out.add(new Step(firstStep + i, java.util.Arrays.copyOf(b.domains(), b.size()),
          java.util.Arrays.copyOf(b.blocks(), b.size()), List.copyOf(snapshots.get(i))));
    }
    return out;
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (BrokenBarrierException e) {
      throw new IllegalStateException("a rank failed", e);
    }
  }

  /** One rank's share of every signal. */
  private static final class Meter implements SignalMeter {
    private final SimulatedLearner learner;
    private final int rank;
    private final int worldSize;
    private final int batchSize;
    private final Object[] result;

    Meter(SimulatedLearner learner, int rank, int worldSize, int batchSize, Object[] result) {
      this.learner = learner;
      this.rank = rank;
      this.worldSize = worldSize;
      this.batchSize = batchSize;
      this.result = result;
    }

    @Override
    public Observation.HeldOutLoss heldOutLoss(long step) {
      throw new IllegalStateException("ranks measure held-out shards");
    }

    @Override
    public BlockLosses heldOutShard(long step, int rank, int worldSize) {
      double[] loss = learner.heldOutLoss(step).loss().toArray();
      int total = loss.length * HELD_OUT_BLOCKS;
      int[] slice = DataMixer.sliceOf(total, rank, worldSize);
      int n = slice[1] - slice[0];
      int[] d = new int[n];
      long[] b = new long[n];
      float[] l = new float[n];
      for (int i = 0; i < n; i++) {
        int global = slice[0] + i;
        d[i] = global / HELD_OUT_BLOCKS;
        b[i] = global % HELD_OUT_BLOCKS;
        l[i] = (float) loss[d[i]];
      }
      return BlockLosses.of(step, d, b, l, n);
    }

    @Override
    public Observation.GradientAlignment gradientAlignment(long step, List<Mixture> probes,
        boolean fullGram) {
      return learner.alignment(step, probes, fullGram);
    }

    @Override
    public BlockLosses batchLosses(long step) {
      BlockLosses all = ((SimulatedLearner.StepResult) result[0]).blockLosses();
      return slice(all, step);
    }

    private BlockLosses slice(BlockLosses all, long step) {
      int[] s = DataMixer.sliceOf(batchSize, rank, worldSize);
      int n = s[1] - s[0];
      int[] d = new int[n];
      long[] b = new long[n];
      float[] l = new float[n];
      for (int i = 0; i < n; i++) {
        d[i] = all.domain(s[0] + i);
        b[i] = all.block(s[0] + i);
        l[i] = all.loss(s[0] + i);
      }
      return BlockLosses.of(step, d, b, l, n);
    }

    @Override
    public ReferenceLosses referenceLosses(long step) {
      float[] frozen = (float[]) result[1];
      if (frozen == null) {
        throw new IllegalStateException("the simulation has no reference model");
      }
      BlockLosses mine = batchLosses(step);
      int[] s = DataMixer.sliceOf(batchSize, rank, worldSize);
      return ReferenceLosses.perBlock(mine, java.util.Arrays.copyOfRange(frozen, s[0], s[1]));
    }
  }
}
