package dev.datamix.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * Chooses the devices to train on: every GPU DJL's engine reports (up to a limit), otherwise the
 * CPU. A GPU appears once DJL's CUDA native library is on the class path (see {@code
 * docs/gpu.md}); nothing else changes.
 */
public final class Devices {
  private Devices() {}

  /**
   * The devices for a device setting.
   *
   * @param setting {@code auto} (GPUs if any, else CPU), {@code cpu}, {@code gpu} (all GPUs,
   *     error if none) or {@code gpu:N} (the first N GPUs)
   * @throws IllegalArgumentException for an unknown setting, or if GPUs are asked for and none
   *     exist (naming how many were found)
   */
  public static Device[] select(String setting) {
    return select(setting, Engine.getInstance().getGpuCount());
  }

  /**
   * The devices for a device setting on a machine with {@code gpus} GPUs (the engine's count in
   * {@link #select(String)}; any count in a test).
   */
  public static Device[] select(String setting, int gpus) {
    String s = setting.toLowerCase(Locale.ROOT).strip();
    if (s.equals("cpu")) {
      return new Device[] {Device.cpu()};
    }
    if (s.equals("auto")) {
      return gpus > 0 ? gpus(gpus) : new Device[] {Device.cpu()};
    }
    if (s.equals("gpu") || s.startsWith("gpu:")) {
      int wanted = s.equals("gpu") ? gpus : parseCount(s.substring(4), setting);
      if (gpus == 0 || wanted > gpus) {
        throw new IllegalArgumentException("device '" + setting + "' asks for "
            + (s.equals("gpu") ? "GPUs" : wanted + " GPU(s)") + " but the "
            + Engine.getInstance().getEngineName() + " engine reports " + gpus
            + "; put DJL's CUDA native library on the class path (docs/gpu.md) or use 'cpu'");
      }
      return gpus(wanted);
    }
    throw new IllegalArgumentException(
        "device must be auto, cpu, gpu or gpu:N, got '" + setting + "'");
  }

  private static int parseCount(String n, String setting) {
    try {
      int v = Integer.parseInt(n);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException("device 'gpu:N' needs N > 0, got '" + setting + "'");
  }

  private static Device[] gpus(int n) {
    Device[] d = new Device[n];
    for (int i = 0; i < n; i++) {
      d[i] = Device.gpu(i);
    }
    return d;
  }
}
