package dev.datamix.benchmarks;

import dev.datamix.mixture.Domain;
import dev.datamix.mixture.Mixture;
import dev.datamix.sampler.BlockBatch;
import dev.datamix.sampler.MixtureSampler;
import dev.datamix.sampler.SamplerOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The sampler's heap per domain at K domains: the used heap after {@code System.gc()} with the
 * sampler built and 50 batches of 1,024 drawn, minus the used heap before it was built (the
 * domain list and the mixture, the caller's, are not counted). A GC-based estimate: run it with
 * {@code -XX:+UseSerialGC}, where {@code System.gc()} is a full collection.
 *
 * <pre>java -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar \
 *     dev.datamix.benchmarks.SamplerMemory 65536 RANDOM</pre>
 */
public final class SamplerMemory {
  private SamplerMemory() {}

  /** Arguments: K, then RANDOM, EXACT or GROUPED. */
  public static void main(String[] args) {
    int k = Integer.parseInt(args[0]);
    SamplerOptions.Allocation allocation = SamplerOptions.Allocation.valueOf(args[1]);
    List<Domain> domains = new ArrayList<>();
    double[] weights = new double[k];
    for (int i = 0; i < k; i++) {
      domains.add(new Domain("d" + i, 1_000_000, 1_000_000L * 1024));
      weights[i] = 1.0 + (i % 7);
    }
    Mixture mixture = Mixture.normalise(Domain.names(domains), weights);
    long before = usedHeap();
    MixtureSampler sampler =
        new MixtureSampler(domains, SamplerOptions.seed(1).withAllocation(allocation));
    BlockBatch batch = new BlockBatch(1024);
    for (long step = 0; step < 50; step++) {
      sampler.draw(step, mixture, 1024, batch);
    }
    long bytes = usedHeap() - before;
    System.out.printf("K = %d, %s: %.1f B per domain (%.1f MB)%n", k, allocation,
        bytes / (double) k, bytes / 1e6);
    if (sampler.snapshot() == null) { // keeps the sampler reachable until measured
      throw new IllegalStateException("no snapshot");
    }
  }

  private static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 5; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
