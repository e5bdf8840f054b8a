package dev.datamix.signal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.mixture.Domain;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import dev.datamix.state.StateReader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A frozen reference model's mean per-token loss on every training block of a corpus, computed
 * once and looked up at every step: the {@link SignalKind#REFERENCE_LOSS} signal at no per-step
 * cost (DoReMi's reference model, Xie et al., NeurIPS 2023, arXiv 2305.10429, §2, run once over
 * the data instead of at every proxy step).
 *
 * <p>On disk, a directory with {@code losses.f32} (little-endian float32, 4 bytes a block, the
 * domains one after another in order) and {@code table.json} (format, the corpus identity, the
 * reference identity, and each domain's name and block count). Opening checks the file size
 * against the block counts and both identities against what the caller expects, naming expected
 * and found. Held on the heap ({@link Storage#HEAP}, every value checked when loaded) or
 * memory-mapped ({@link Storage#MAPPED}, values checked as they are read).
 */
public final class ReferenceLossTable {
  /** The {@code format} field of {@code table.json}. */
  public static final String FORMAT = "datamix-reference-losses";
  /** The format version written and read. */
  public static final int VERSION = 1;
  private static final String DATA = "losses.f32";
  private static final String HEADER = "table.json";
  private static final int CHUNK_SHIFT = 28; // 2^28 floats = 1 GiB per mapped chunk

  /** Where the values live once opened. */
  public enum Storage {
    /** Read into {@code float[]} arrays. */
    HEAP,
    /** Memory-mapped, in chunks of 2^28 values. */
    MAPPED
  }

  private final Path dir;
  private final JsonNode reference;
  private final List<String> names;
  private final long[] blocks;
  private final float[][] heap;
  private final FloatBuffer[][] mapped;

  private ReferenceLossTable(Path dir, JsonNode reference, List<String> names, long[] blocks,
      float[][] heap, FloatBuffer[][] mapped) {
    this.dir = dir;
    this.reference = reference.deepCopy();
    this.names = List.copyOf(names);
    this.blocks = blocks;
    this.heap = heap;
    this.mapped = mapped;
  }

  /**
   * Writes a table: {@code losses[d][b]} is the reference loss of block {@code b} of {@code
   * domains.get(d)}. The directory must not exist yet or be empty; both files appear complete or
   * not at all ({@code table.json} is written last).
   *
   * @throws IllegalArgumentException if a domain's array length is not its block count or a value
   *     is not finite and {@code >= 0} (naming domain, block and value)
   */
  public static void write(Path dir, List<Domain> domains, float[][] losses,
      JsonNode corpusIdentity, JsonNode referenceIdentity) throws IOException {
    if (losses.length != domains.size()) {
      throw new IllegalArgumentException("losses must have one array per domain ("
          + domains.size() + "), got " + losses.length);
    }
    for (int d = 0; d < losses.length; d++) {
      if (losses[d].length != domains.get(d).blocks()) {
        throw new IllegalArgumentException("losses of domain '" + domains.get(d).name()
            + "' must have " + domains.get(d).blocks() + " entries, got " + losses[d].length);
      }
      for (int b = 0; b < losses[d].length; b++) {
        checkValue(losses[d][b], domains.get(d).name(), b, "losses");
      }
    }
    if (Files.exists(dir.resolve(HEADER)) || Files.exists(dir.resolve(DATA))) {
      throw new IllegalArgumentException("reference table " + dir + " exists already: choose "
          + "another directory (a table is never overwritten)");
    }
    Files.createDirectories(dir);
    Path tmp = dir.resolve(DATA + ".tmp");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
      ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
      for (float[] domain : losses) {
        for (float v : domain) {
          if (!buf.hasRemaining()) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
          }
          buf.putFloat(v);
        }
      }
      out.write(buf.array(), 0, buf.position());
    }
    AtomicFiles.move(tmp, dir.resolve(DATA));
    ObjectNode h = Json.object();
    h.put("format", FORMAT).put("version", VERSION);
    h.set("corpus", corpusIdentity);
    h.set("reference", referenceIdentity);
    ArrayNode ds = h.putArray("domains");
    for (Domain d : domains) {
      ds.addObject().put("name", d.name()).put("blocks", d.blocks());
    }
    AtomicFiles.writeString(dir.resolve(HEADER), Json.write(h));
  }

  /** Whether {@code dir} holds a complete table. */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(HEADER)) && Files.isRegularFile(dir.resolve(DATA));
  }

  /** The reference identity recorded in {@code dir}'s table. */
  public static JsonNode referenceIdentity(Path dir) throws IOException {
    return StateReader.of(Json.read(dir.resolve(HEADER)), "table").field("reference");
  }

  /**
   * Opens a table for {@code domains} (names and block counts, in order).
   *
   * @throws IncompatibleStateException if the format, corpus identity, reference identity or
   *     domains differ from those expected, or {@code losses.f32} is not exactly 4 bytes a block
   *     (a truncated or padded file), naming expected and found
   */
  public static ReferenceLossTable open(Path dir, List<Domain> domains, JsonNode corpusIdentity,
      JsonNode referenceIdentity, Storage storage) throws IOException {
    Path header = dir.resolve(HEADER);
    if (!Files.isRegularFile(header)) {
      throw new IncompatibleStateException("reference table " + dir + " has no " + HEADER
          + " (not a table, or its writing did not finish)");
    }
    StateReader r = StateReader.of(Json.read(header), "reference table " + dir);
    IncompatibleStateException.check("reference table format", FORMAT, r.getString("format"));
    int version = r.getInt("version");
    if (version > VERSION) {
      throw new IncompatibleStateException("incompatible state: reference table version expected"
          + " <= " + VERSION + " but found " + version + " (written by a newer datamix)");
    }
    IncompatibleStateException.check("reference table " + dir + " corpus", corpusIdentity,
        r.field("corpus"));
    IncompatibleStateException.check("reference table " + dir + " reference model",
        referenceIdentity, r.field("reference"));
    ArrayNode expected = Json.array();
    for (Domain d : domains) {
      expected.addObject().put("name", d.name()).put("blocks", d.blocks());
    }
    IncompatibleStateException.check("reference table " + dir + " domains", expected,
        r.field("domains"));
    long total = 0;
    long[] counts = new long[domains.size()];
    for (int d = 0; d < counts.length; d++) {
      counts[d] = domains.get(d).blocks();
      total += counts[d];
    }
    Path data = dir.resolve(DATA);
    long size = Files.exists(data) ? Files.size(data) : -1;
    if (size != 4 * total) {
      throw new IncompatibleStateException("reference table " + data + " must hold 4 bytes for "
          + "each of " + total + " blocks (" + 4 * total + " bytes), found " + size + " bytes");
    }
    List<String> names = new ArrayList<>();
    domains.forEach(d -> names.add(d.name()));
    try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ)) {
      if (storage == Storage.HEAP) {
        return new ReferenceLossTable(dir, referenceIdentity, names, counts,
            readHeap(ch, counts, names), null);
      }
      FloatBuffer[][] maps = new FloatBuffer[counts.length][];
      long offset = 0;
      for (int d = 0; d < counts.length; d++) {
        int chunks = (int) ((counts[d] + (1L << CHUNK_SHIFT) - 1) >>> CHUNK_SHIFT);
        maps[d] = new FloatBuffer[chunks];
        for (int c = 0; c < chunks; c++) {
          long first = (long) c << CHUNK_SHIFT;
          long n = Math.min(1L << CHUNK_SHIFT, counts[d] - first);
          maps[d][c] = ch.map(FileChannel.MapMode.READ_ONLY, offset + 4 * first, 4 * n)
              .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        }
        offset += 4 * counts[d];
      }
      return new ReferenceLossTable(dir, referenceIdentity, names, counts, null, maps);
    }
  }

  private static float[][] readHeap(FileChannel ch, long[] counts, List<String> names)
      throws IOException {
    float[][] out = new float[counts.length][];
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    buf.flip();
    for (int d = 0; d < counts.length; d++) {
      if (counts[d] > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("domain '" + names.get(d) + "' has " + counts[d]
            + " blocks, more than a heap table holds: open it with Storage.MAPPED");
      }
      out[d] = new float[(int) counts[d]];
      for (int b = 0; b < out[d].length; b++) {
        if (buf.remaining() < 4) {
          buf.compact();
          ch.read(buf);
          buf.flip();
        }
        out[d][b] = buf.getFloat();
        checkValue(out[d][b], names.get(d), b, "reference table");
      }
    }
    return out;
  }

  private static void checkValue(float v, String domain, long block, String what) {
    if (!(v >= 0 && v < Float.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(what + ": the loss of block " + block + " of domain '"
          + domain + "' must be finite and >= 0, got " + v);
    }
  }

  /** The reference model the table was built with (as checked when it was opened). */
  public JsonNode reference() {
    return reference.deepCopy();
  }

  /** The directory the table was opened from. */
  public Path directory() {
    return dir;
  }

  /** The reference loss of block {@code block} of domain {@code domain} (an index). */
  public float loss(int domain, long block) {
    if (domain < 0 || domain >= blocks.length || block < 0 || block >= blocks[domain]) {
      throw new IndexOutOfBoundsException("block " + block + " of domain " + domain
          + " is outside the table " + dir + " (" + names + ")");
    }
    float v = heap != null ? heap[domain][(int) block]
        : mapped[domain][(int) (block >>> CHUNK_SHIFT)].get(
            (int) (block & ((1L << CHUNK_SHIFT) - 1)));
    if (mapped != null) {
      checkValue(v, names.get(domain), block, "reference table " + dir);
    }
    return v;
  }

  /** The reference losses of {@code trained}'s blocks, the excess clipped per block. */
  public ReferenceLosses lookup(BlockLosses trained) {
    float[] ref = new float[trained.size()];
    for (int i = 0; i < ref.length; i++) {
      ref[i] = loss(trained.domain(i), trained.block(i));
    }
    return ReferenceLosses.perBlock(trained, ref);
  }
}
