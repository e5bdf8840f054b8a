package dev.datamix.djl.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A training checkpoint directory: {@code state.json} (step, configs, policy and sampler state,
 * counters), {@code params.bin} and {@code optimizer.bin} (float32 tensors with names and
 * shapes). Written into a temporary directory that is renamed into place, then {@code latest} is
 * pointed at it atomically; a failure propagates.
 */
final class Checkpoint {
  static final String FORMAT = "datamix-checkpoint";
  static final int FORMAT_VERSION = 1;
  private static final int MAGIC = 0x444d5831; // "DMX1"

  private Checkpoint() {}

  /** A named float tensor. */
  record Tensor(String name, long[] shape, float[] values) {}

  static Path write(Path root, long step, JsonNode state, List<Tensor> params, List<Tensor> moments)
      throws IOException {
    Files.createDirectories(root);
    String name = String.format("step-%09d", step);
    Path tmp = Files.createTempDirectory(root, name + ".tmp-");
    try {
      AtomicFiles.writeString(tmp.resolve("state.json"), Json.write(state));
      writeTensors(tmp.resolve("params.bin"), params);
      writeTensors(tmp.resolve("optimizer.bin"), moments);
      Path dir = root.resolve(name);
      if (Files.exists(dir)) {
        AtomicFiles.deleteRecursively(dir);
      }
      AtomicFiles.move(tmp, dir);
      AtomicFiles.writeString(root.resolve("latest"), name + "\n");
      return dir;
    } finally {
      if (Files.exists(tmp)) {
        AtomicFiles.deleteRecursively(tmp);
      }
    }
  }

  /** The directory {@code latest} points to. */
  static Path latest(Path root) throws IOException {
    Path pointer = root.resolve("latest");
    if (!Files.exists(pointer)) {
      throw new IncompatibleStateException("no checkpoint to resume: " + pointer + " is missing");
    }
    Path dir = root.resolve(Files.readString(pointer).strip());
    if (!Files.isDirectory(dir)) {
      throw new IncompatibleStateException(
          "checkpoint " + dir + " named by " + pointer + " does not exist");
    }
    return dir;
  }

  static JsonNode readState(Path dir) throws IOException {
    return Json.read(dir.resolve("state.json"));
  }

  private static void writeTensors(Path file, List<Tensor> tensors) throws IOException {
    try (DataOutputStream out = new DataOutputStream(
        new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
      out.writeInt(MAGIC);
      out.writeInt(tensors.size());
      for (Tensor t : tensors) {
        out.writeUTF(t.name());
        out.writeInt(t.shape().length);
        for (long s : t.shape()) {
          out.writeLong(s);
        }
        out.writeInt(t.values().length);
        for (float v : t.values()) {
          out.writeFloat(v);
        }
      }
    }
  }

  /**
   * Reads tensors, checking each name and size against {@code expected}.
   *
   * @throws IncompatibleStateException naming the file and the tensor for a different model shape
   *     or a truncated or corrupt file
   */
  static List<float[]> readTensors(Path file, List<Tensor> expected) throws IOException {
    List<float[]> out = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(
        new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      if (in.readInt() != MAGIC) {
        throw new IncompatibleStateException(file + " is not a datamix tensor file");
      }
      int n = in.readInt();
      if (n != expected.size()) {
        throw new IncompatibleStateException("checkpoint " + file + " holds " + n
            + " tensors but the model has " + expected.size() + " (another model shape)");
      }
      for (Tensor e : expected) {
        String name = in.readUTF();
        int dims = in.readInt();
        long[] shape = new long[dims];
        for (int i = 0; i < dims; i++) {
          shape[i] = in.readLong();
        }
        if (!name.equals(e.name()) || !java.util.Arrays.equals(shape, e.shape())) {
          throw new IncompatibleStateException("checkpoint " + file + ": tensor expected "
              + e.name() + java.util.Arrays.toString(e.shape()) + " but found " + name
              + java.util.Arrays.toString(shape));
        }
        int len = in.readInt();
        float[] v = new float[len];
        for (int i = 0; i < len; i++) {
          v[i] = in.readFloat();
        }
        out.add(v);
      }
    } catch (EOFException e) {
      throw new IncompatibleStateException("checkpoint file " + file + " is truncated", e);
    }
    return out;
  }

}
