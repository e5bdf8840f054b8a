package dev.datamix.djl.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The process environment under which PyTorch's CPU build repeats a run bit for bit, so that a
 * resumed run equals an uninterrupted one. PyTorch calls oneMKL for its matrix products, and
 * oneMKL is reproducible from run to run only in a conditional numerical reproducibility mode
 * ({@code MKL_CBWR}) and with a thread count that neither it nor OpenMP changes at run time
 * ({@code MKL_DYNAMIC}, {@code OMP_DYNAMIC} false). These are read when the native library
 * loads, so a JVM cannot set them for itself: {@code ./datamix}, the example and benchmark scripts
 * (through {@code native-env.sh}) and the build's tests set them; an embedding trainer sets them in
 * its launcher. A trainer built without them warns once per JVM.
 *
 * @see <a href="https://www.intel.com/content/www/us/en/docs/onemkl/developer-guide-linux/2024-0/reproducibility-conditions.html">
 *     Intel oneMKL Developer Guide, Reproducibility Conditions</a>
 */
public final class NativeDeterminism {
  /** The settings {@code native-env.sh} exports. */
  public static final Map<String, String> ENVIRONMENT = Map.of(
      "MKL_CBWR", "AUTO,STRICT", "MKL_DYNAMIC", "FALSE", "OMP_DYNAMIC", "FALSE");
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private NativeDeterminism() {}

  /**
   * The variables of {@code environment} that break run-to-run reproducibility, each with its
   * value: {@code MKL_CBWR} unset (any CNR branch is accepted), or a {@code *_DYNAMIC} not false.
   */
  public static List<String> violations(Map<String, String> environment) {
    List<String> out = new ArrayList<>();
    String cbwr = environment.get("MKL_CBWR");
    if (cbwr == null || cbwr.isBlank()) {
      out.add("MKL_CBWR is unset");
    }
    for (String dynamic : List.of("MKL_DYNAMIC", "OMP_DYNAMIC")) {
      String v = environment.get(dynamic);
      if (v == null || !v.strip().equalsIgnoreCase("false")) {
        out.add(dynamic + " is " + (v == null ? "unset" : "'" + v + "'"));
      }
    }
    return out;
  }

  /** Warns, once per JVM, when this process's environment breaks reproducibility. */
  static void warnOnce() {
    List<String> v = violations(System.getenv());
    if (!v.isEmpty() && WARNED.compareAndSet(false, true)) {
      MixingTrainer.warn("CPU kernels may differ in a last bit from run to run, so a resumed run "
          + "may not equal an uninterrupted one: " + String.join(", ", v) + ". Set "
          + "MKL_CBWR=AUTO,STRICT MKL_DYNAMIC=FALSE OMP_DYNAMIC=FALSE before the JVM starts "
          + "(native-env.sh; docs/trainer.md)");
    }
  }
}
