package dev.datamix.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class DevicesTest {
  @Test
  void theEngineIsPyTorchOffline() {
    assertEquals("PyTorch", Engine.getInstance().getEngineName());
  }

  @Test
  void autoPicksTheGpusWhenPresentAndTheCpuOtherwise() {
    Device[] d = Devices.select("auto");
    if (Engine.getInstance().getGpuCount() == 0) {
      assertArrayEquals(new Device[] {Device.cpu()}, d);
    } else {
      assertEquals(Engine.getInstance().getGpuCount(), d.length);
      assertTrue(d[0].isGpu());
    }
    assertArrayEquals(new Device[] {Device.cpu()}, Devices.select("cpu"));
  }

  @Test
  void askingForMissingGpusOrUnknownSettingsFailsClearly() {
    if (Engine.getInstance().getGpuCount() == 0) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Devices.select("gpu"));
      assertTrue(e.getMessage().contains("reports 0"), e.getMessage());
    }
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> Devices.select("tpu"));
    assertTrue(bad.getMessage().contains("'tpu'"), bad.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Devices.select("gpu:0"));
  }

  @Test
  void theSelectionOnAMachineWithFourGpus() {
    assertArrayEquals(new Device[] {Device.gpu(0), Device.gpu(1), Device.gpu(2), Device.gpu(3)},
        Devices.select("auto", 4));
    assertArrayEquals(new Device[] {Device.gpu(0), Device.gpu(1)}, Devices.select("gpu:2", 4));
    assertArrayEquals(new Device[] {Device.cpu()}, Devices.select("cpu", 4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Devices.select("gpu:5", 4));
    assertTrue(e.getMessage().contains("5 GPU(s)") && e.getMessage().contains("reports 4"),
        e.getMessage());
    assertArrayEquals(new Device[] {Device.cpu()}, Devices.select("auto", 0));
  }
}
