package dev.datamix.djl.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * A training checkpoint directory: {@code state.json} (step, configs, policy and sampler state,
 * counters), {@code params.bin} and {@code optimizer.bin} (float32 tensors with names and
 * shapes). Written into a temporary directory that is renamed into place, then {@code latest} is
 * pointed at it through a temporary file and a rename; a failure propagates, and a crash at any
 * point leaves {@code latest} naming a complete checkpoint. Leftover temporaries of a crashed
 * write are removed by the next write.
 *
 * <p>Format versions: 1 (the first); 2 adds the learning-rate digest ({@code lrDigest}) and the
 * schedule keys of the trainer config. Version 1 still loads, with the schedule keys at their
 * defaults.
 */
final class Checkpoint {
  static final String FORMAT = "datamix-checkpoint";
  static final int FORMAT_VERSION = 2;
  private static final int MAGIC = 0x444d5831; // "DMX1"

  private Checkpoint() {}

  /** A named float tensor. */
  record Tensor(String name, long[] shape, float[] values) {}

  /**
   * Everything a checkpoint holds: the trainer's counters and configs, the policy and sampler
   * state, the learning-rate digest, and the parameters and AdamW moments ({@code name.m},
   * {@code name.v} after each parameter).
   *
   * @param lrDigest the digest of every learning rate taken, or null (format version 1)
   */
  record Contents(long step, JsonNode model, JsonNode trainer, JsonNode corpus, JsonNode mixer,
      Long lrDigest, long tokensSeen, int nonFiniteInARow, int phaseIndex, long optimizerUpdates,
      List<Tensor> params, List<Tensor> moments) {}

  /** Writes {@code c} as checkpoint {@code step-NNNNNNNNN} under {@code root}. */
  static Path save(Path root, Contents c, CheckpointIo io) throws IOException {
    ObjectNode state = Json.object();
    state.put("format", FORMAT);
    state.put("formatVersion", FORMAT_VERSION);
    state.put("step", c.step());
    state.set("model", c.model());
    state.set("trainer", c.trainer());
    state.set("corpus", c.corpus());
    state.set("mixer", c.mixer());
    state.put("lrDigest", c.lrDigest());
    state.put("tokensSeen", c.tokensSeen());
    state.put("nonFiniteInARow", c.nonFiniteInARow());
    state.put("phaseIndex", c.phaseIndex());
    state.put("optimizerUpdates", c.optimizerUpdates());
    return write(root, c.step(), state, c.params(), c.moments(), io);
  }

  /**
   * Reads checkpoint {@code dir}, any format version up to this one, checking it was written
   * for {@code model} and {@code corpus} and holds tensors named and shaped as {@code params}
   * and {@code moments} (their values are ignored).
   *
   * @throws IncompatibleStateException naming expected and found for another format, a newer
   *     version, another model or corpus, or a corrupt or truncated file
   */
  static Contents load(Path dir, JsonNode model, JsonNode corpus, List<Tensor> params,
      List<Tensor> moments) throws IOException {
    JsonNode state = readState(dir);
    StateReader r = StateReader.of(state, "checkpoint");
    IncompatibleStateException.check("checkpoint format", FORMAT, r.getString("format"));
    int version = r.getInt("formatVersion");
    if (version > FORMAT_VERSION) {
      throw new IncompatibleStateException("checkpoint " + dir + " formatVersion expected <= "
          + FORMAT_VERSION + " but found " + version);
    }
    IncompatibleStateException.check("checkpoint model", model, r.field("model"));
    if (corpus != null) { // null: the caller checks a grown corpus itself
      IncompatibleStateException.check("checkpoint corpus", corpus, r.field("corpus"));
    }
    List<float[]> p = readTensors(dir.resolve("params.bin"), params, version);
    List<float[]> m = readTensors(dir.resolve("optimizer.bin"), moments, version);
    List<Tensor> loadedParams = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      loadedParams.add(new Tensor(params.get(i).name(), params.get(i).shape(), p.get(i)));
    }
    List<Tensor> loadedMoments = new ArrayList<>();
    for (int i = 0; i < moments.size(); i++) {
      loadedMoments.add(new Tensor(moments.get(i).name(), moments.get(i).shape(), m.get(i)));
    }
    JsonNode digest = state.get("lrDigest");
    return new Contents(r.getLong("step"), r.field("model"), r.field("trainer"),
        r.field("corpus"), r.field("mixer"), digest == null ? null : digest.asLong(),
        r.getLong("tokensSeen"), r.getInt("nonFiniteInARow"), r.getInt("phaseIndex"),
        r.getLong("optimizerUpdates"), loadedParams, loadedMoments);
  }

  /** The parameters of checkpoint {@code dir} only, checked against {@code model}'s shape. */
  static List<float[]> loadParameters(Path dir, JsonNode model, List<Tensor> params)
      throws IOException {
    JsonNode state = readState(dir);
    StateReader r = StateReader.of(state, "checkpoint");
    IncompatibleStateException.check("starting checkpoint model", model, r.field("model"));
    return readTensors(dir.resolve("params.bin"), params, r.getInt("formatVersion"));
  }

  static Path write(Path root, long step, JsonNode state, List<Tensor> params, List<Tensor> moments,
      CheckpointIo io) throws IOException {
    Files.createDirectories(root);
    String name = String.format("step-%09d", step);
    Path dir = root.resolve(name);
    Path pointer = root.resolve("latest");
    if (Files.isDirectory(dir) && Files.exists(pointer)
        && Files.readString(pointer).strip().equals(name)) {
      return dir; // this step is already the latest checkpoint: never delete what latest names
    }
    String previous = Files.exists(pointer) ? Files.readString(pointer).strip() : null;
    Path tmp = Files.createTempDirectory(root, name + TEMPORARY);
    try {
      try (OutputStream out = io.create(tmp.resolve("state.json"))) {
        out.write(Json.write(state).getBytes(StandardCharsets.UTF_8));
      }
      writeTensors(io, tmp.resolve("params.bin"), params);
      writeTensors(io, tmp.resolve("optimizer.bin"), moments);
      if (Files.exists(dir)) {
        AtomicFiles.deleteRecursively(dir); // a leftover that latest does not name
      }
      io.rename(tmp, dir);
      Path pointerTmp = root.resolve("latest" + TEMPORARY + step);
      try (OutputStream out = io.create(pointerTmp)) {
        out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
      }
      io.rename(pointerTmp, pointer);
      return dir;
    } catch (IOException e) {
      throw new IOException("cannot write checkpoint " + dir + ": " + e.getMessage() + "; "
          + (previous == null ? "there is no earlier checkpoint"
              : "latest still names the earlier " + previous), e);
    } finally {
      removeTemporaries(root); // this write's, and any a crashed write left behind
    }
  }

  private static final String TEMPORARY = ".tmp-";

  /** Deletes what a crashed or failed write left behind: temporaries, never a checkpoint. */
  static void removeTemporaries(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (java.util.stream.Stream<Path> s = Files.list(root)) {
      for (Path p : s.filter(p -> p.getFileName().toString().contains(TEMPORARY)).toList()) {
        AtomicFiles.deleteRecursively(p);
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
    if (!Files.isDirectory(dir) || !Files.exists(dir.resolve("state.json"))) {
      throw new IncompatibleStateException(
          "checkpoint " + dir + " named by " + pointer + " does not exist");
    }
    return dir;
  }

  static JsonNode readState(Path dir) throws IOException {
    try {
      return Json.read(dir.resolve("state.json"));
    } catch (IllegalArgumentException | IOException e) {
      throw new IncompatibleStateException("checkpoint " + dir.resolve("state.json")
          + " is not readable JSON (corrupt or truncated): " + e.getMessage(), e);
    }
  }

  private static void writeTensors(CheckpointIo io, Path file, List<Tensor> tensors)
      throws IOException {
    CRC32 crc = new CRC32();
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
        new CheckedOutputStream(io.create(file), crc), 1 << 16))) {
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
      out.flush();
      out.writeInt((int) crc.getValue()); // the trailer: CRC-32 of everything before it
    }
  }

  /**
   * Reads tensors, checking each name and size against {@code expected}, and from format version
   * 2 on the CRC-32 trailer and that nothing follows it.
   *
   * @param formatVersion the checkpoint's format version
   * @throws IncompatibleStateException naming the file and the tensor for a different model shape
   *     or a truncated or corrupt file
   */
  static List<float[]> readTensors(Path file, List<Tensor> expected, int formatVersion)
      throws IOException {
    List<float[]> out = new ArrayList<>();
    CRC32 crc = new CRC32();
    CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(
        Files.newInputStream(file), 1 << 16), crc);
    try (DataInputStream in = new DataInputStream(checked)) {
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
        if (dims < 0 || dims > 8) {
          throw new IncompatibleStateException("checkpoint " + file + " is corrupt: tensor '"
              + name + "' has " + dims + " dimensions");
        }
        long[] shape = new long[dims];
        for (int i = 0; i < dims; i++) {
          shape[i] = in.readLong();
        }
        if (!name.equals(e.name()) || !Arrays.equals(shape, e.shape())) {
          throw new IncompatibleStateException("checkpoint " + file + ": tensor expected "
              + e.name() + Arrays.toString(e.shape()) + " but found " + name
              + Arrays.toString(shape));
        }
        int len = in.readInt();
        long elements = 1;
        for (long d : shape) {
          elements *= d;
        }
        if (len != elements) {
          throw new IncompatibleStateException("checkpoint " + file + " is corrupt: tensor '"
              + name + "' of shape " + Arrays.toString(shape) + " records " + len + " values");
        }
        float[] v = new float[len];
        for (int i = 0; i < len; i++) {
          v[i] = in.readFloat();
        }
        out.add(v);
      }
      if (formatVersion >= 2) {
        long computed = crc.getValue();
        int stored = in.readInt();
        if ((int) computed != stored) {
          throw new IncompatibleStateException("checkpoint " + file + " is corrupt: CRC-32 "
              + "expected " + Integer.toHexString(stored) + " but the content gives "
              + Integer.toHexString((int) computed));
        }
        if (in.read() != -1) {
          throw new IncompatibleStateException("checkpoint " + file + " is corrupt: bytes "
              + "follow its CRC-32 trailer");
        }
      }
    } catch (EOFException e) {
      throw new IncompatibleStateException("checkpoint file " + file + " is truncated", e);
    }
    return out;
  }
}
