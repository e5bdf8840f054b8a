package dev.datamix.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.run.DataMixer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ranks' slices of a draw call are, together, the call a single process makes, block for
 * block, for W = 1, 2, 3, 4 and 8, with mixtures changing every step, a repetition cap reached
 * mid-call, and a block selection that changes generation.
 */
class DrawSliceTest {
  @ParameterizedTest
  @EnumSource(SamplerOptions.Allocation.class)
  void theSlicesTogetherAreTheSingleProcessCall(SamplerOptions.Allocation allocation) {
    List<Domain> d = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      d.add(new Domain("d" + i, 30 + 40L * i, (30 + 40L * i) * 64));
    }
    SamplerOptions options = SamplerOptions.seed(9).withAllocation(allocation)
        .withMaxEpochs(Map.of("d0", 1.5));
    BlockSelector selector = domain -> domain == 2 ? BlockSelection.ofBlocks(new long[] {1, 5,
        9, 60}, 7) : null;
    for (int w : new int[] {1, 2, 3, 4, 8}) {
      MixtureSampler single = new MixtureSampler(d, options);
      List<MixtureSampler> ranks = new ArrayList<>();
      for (int r = 0; r < w; r++) {
        ranks.add(new MixtureSampler(d, options));
      }
      BlockBatch whole = new BlockBatch(32);
      for (long t = 0; t < 60; t++) {
        double[] weights = new double[6];
        for (int i = 0; i < 6; i++) {
          weights[i] = 1 + (i + t) % 4;
        }
        Mixture m = Mixture.normalise(Domain.names(d), weights);
        int count = 29; // not a multiple of any W above 1: uneven slices
        single.draw(t, m, t > 20 ? selector : null, count, whole);
        List<BlockBatch> slices = new ArrayList<>();
        for (int r = 0; r < w; r++) {
          int[] s = DataMixer.sliceOf(count, r, w);
          BlockBatch b = new BlockBatch(count);
          ranks.get(r).drawSlice(t, m, t > 20 ? selector : null, count, s[0], s[1], b);
          slices.add(b);
        }
        BlockBatch joined = BlockBatch.concat(slices);
        assertArrayEquals(java.util.Arrays.copyOf(whole.domains(), count),
            java.util.Arrays.copyOf(joined.domains(), count), "W=" + w + " step " + t);
        assertArrayEquals(java.util.Arrays.copyOf(whole.blocks(), count),
            java.util.Arrays.copyOf(joined.blocks(), count), "W=" + w + " step " + t);
      }
      for (MixtureSampler r : ranks) {
        assertEquals(single.snapshot().toString(), r.snapshot().toString());
      }
      assertEquals(true, single.isExhausted(0), "the cap was reached within the run");
    }
  }

  @ParameterizedTest
  @EnumSource(SamplerOptions.Allocation.class)
  void aSliceOutsideTheCallIsRefused(SamplerOptions.Allocation allocation) {
    MixtureSampler s = new MixtureSampler(List.of(new Domain("a", 10, 10)),
        SamplerOptions.seed(1).withAllocation(allocation));
    Mixture m = Mixture.of(List.of("a"), new double[] {1});
    assertThrows(IllegalArgumentException.class, () -> s.drawSlice(0, m, null, 8, 5, 9,
        new BlockBatch(8)));
    assertThrows(IllegalArgumentException.class, () -> s.drawSlice(0, m, null, 8, 5, 4,
        new BlockBatch(8)));
  }
}
