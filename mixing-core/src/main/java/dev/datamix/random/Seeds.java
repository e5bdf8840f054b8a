package dev.datamix.random;

/**
 * Counter-based randomness: every random number datamix uses is a pure function of a seed and
 * the coordinates of the choice ({@code step}, draw index, domain, epoch, ...), so a run restored
 * from {@code (seed, step, cursors)} makes exactly the choices an uninterrupted run makes.
 *
 * <p>The mixing function is SplitMix64's finaliser (Steele, Lea and Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014), which passes BigCrush when applied to a counter.
 * There is no global or hidden generator state anywhere in the library.
 */
public final class Seeds {
  /** The golden-ratio increment of SplitMix64, which spaces the keys of successive draws. */
  public static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private static final double DOUBLE_UNIT = 0x1.0p-53;

  private Seeds() {}

  /** SplitMix64's 64-bit finaliser: a bijective, avalanche-complete mix of {@code z}. */
  public static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A 64-bit random value determined by {@code seed} and one coordinate. */
  public static long hash(long seed, long a) {
    return mix64(mix64(seed + GOLDEN_GAMMA) + a * GOLDEN_GAMMA);
  }

  /** A 64-bit random value determined by {@code seed} and two coordinates. */
  public static long hash(long seed, long a, long b) {
    return mix64(hash(seed, a) + b * GOLDEN_GAMMA);
  }

  /** A 64-bit random value determined by {@code seed} and three coordinates. */
  public static long hash(long seed, long a, long b, long c) {
    return mix64(hash(seed, a, b) + c * GOLDEN_GAMMA);
  }

  /** A 64-bit random value determined by {@code seed} and four coordinates. */
  public static long hash(long seed, long a, long b, long c, long d) {
    return mix64(hash(seed, a, b, c) + d * GOLDEN_GAMMA);
  }

  /** Maps 64 random bits to a double uniform in {@code [0, 1)} with 53 bits of precision. */
  public static double toUnitDouble(long bits) {
    return (bits >>> 11) * DOUBLE_UNIT;
  }

  /** A standard normal variate from two independent 64-bit values (Box–Muller). */
  public static double toGaussian(long bits1, long bits2) {
    double u1 = 1.0 - toUnitDouble(bits1); // in (0, 1], so the log is finite
    double u2 = toUnitDouble(bits2);
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  /** A stable 64-bit fingerprint of a string (used to key per-domain streams by name). */
  public static long fingerprint(String s) {
    long h = 0x243F6A8885A308D3L;
    for (int i = 0; i < s.length(); i++) {
      h = mix64(h ^ s.charAt(i));
    }
    return mix64(h + s.length());
  }
}
