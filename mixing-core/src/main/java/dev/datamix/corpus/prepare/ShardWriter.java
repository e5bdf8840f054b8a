package dev.datamix.corpus.prepare;

import dev.datamix.corpus.CorpusManifest;
import dev.datamix.corpus.TokenDtype;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends tokens to little-endian shard files {@code prefix-000.bin}, {@code prefix-001.bin}, ...
 * of at most {@code shardTokens} tokens each, checking every id against the vocabulary. A file is
 * opened at its first token, so a writer that gets none writes nothing. Used by ingestion and by
 * the corpora derived from a prepared one ({@code TrainingCaps}, {@code CorpusClusterer}).
 */
public final class ShardWriter implements AutoCloseable {
  private final Path directory;
  private final String relativeDir;
  private final String prefix;
  private final TokenDtype dtype;
  private final int vocabSize;
  private final long shardTokens;
  private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
  private final List<CorpusManifest.ShardEntry> shards = new ArrayList<>();
  private OutputStream out;
  private String currentFile;
  private long inShard;

  /**
   * @param directory the corpus directory
   * @param relativeDir the shards' directory inside it (created by the caller)
   * @param prefix the shards' file-name prefix
   * @param dtype the token type
   * @param vocabSize ids must be below it
   * @param shardTokens most tokens per file
   */
  public ShardWriter(Path directory, String relativeDir, String prefix, TokenDtype dtype,
      int vocabSize, long shardTokens) {
    this.directory = directory;
    this.relativeDir = relativeDir;
    this.prefix = prefix;
    this.dtype = dtype;
    this.vocabSize = vocabSize;
    this.shardTokens = shardTokens;
  }

  /** Appends {@code tokens[0..count)}. */
  public void write(int[] tokens, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      write(tokens[i]);
    }
  }

  /**
   * Appends one token.
   *
   * @throws IllegalStateException naming the id and the shard if it is outside the vocabulary
   */
  public void write(int token) throws IOException {
    if (token < 0 || token >= vocabSize) {
      throw new IllegalStateException("the tokenizer produced id " + token + " outside its "
          + "vocabulary of " + vocabSize + " (shard " + currentFile + ")");
    }
    if (out == null || inShard == shardTokens) {
      roll();
    }
    if (buffer.remaining() < dtype.bytes()) {
      flushBuffer();
    }
    if (dtype == TokenDtype.UINT16) {
      buffer.putShort((short) token);
    } else {
      buffer.putInt(token);
    }
    inShard++;
  }

  private void roll() throws IOException {
    finishShard();
    currentFile = relativeDir + "/" + prefix + String.format("-%03d.bin", shards.size());
    out = Files.newOutputStream(directory.resolve(currentFile));
    inShard = 0;
  }

  private void flushBuffer() throws IOException {
    out.write(buffer.array(), 0, buffer.position());
    buffer.clear();
  }

  private void finishShard() throws IOException {
    if (out != null) {
      flushBuffer();
      out.close();
      out = null;
      shards.add(new CorpusManifest.ShardEntry(currentFile, inShard));
    }
  }

  /** The shards written, after {@link #close()}. */
  public List<CorpusManifest.ShardEntry> shards() {
    return shards;
  }

  /**
   * Copies the shard files of split {@code s} of the corpus in {@code source} to the same paths
   * in {@code out} and returns the split (a domain a derived corpus keeps as it is). Megatron
   * slices stay where they are, read in place: the entry returned names their absolute prefix.
   */
  public static CorpusManifest.SplitEntry copy(Path source, Path out,
      CorpusManifest.SplitEntry s) throws IOException {
    List<CorpusManifest.ShardEntry> shards = new ArrayList<>();
    for (CorpusManifest.ShardEntry sh : s.shards()) {
      if (sh.megatron() != null) {
        shards.add(new CorpusManifest.ShardEntry(source.resolve(sh.file()).toAbsolutePath()
            .normalize().toString(), sh.tokens(), sh.megatron()));
        continue;
      }
      Path dst = out.resolve(sh.file());
      Files.createDirectories(dst.getParent());
      Files.copy(source.resolve(sh.file()), dst, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      shards.add(sh);
    }
    return new CorpusManifest.SplitEntry(shards, s.documents(), s.bytes(), s.invalidUtf8());
  }

  @Override
  public void close() throws IOException {
    finishShard();
  }
}
