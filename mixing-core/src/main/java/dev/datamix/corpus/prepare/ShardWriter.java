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
 * of at most {@code shardTokens} tokens each, checking every id against the vocabulary.
 */
final class ShardWriter implements AutoCloseable {
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

  ShardWriter(Path directory, String relativeDir, String prefix, TokenDtype dtype, int vocabSize,
      long shardTokens) {
    this.directory = directory;
    this.relativeDir = relativeDir;
    this.prefix = prefix;
    this.dtype = dtype;
    this.vocabSize = vocabSize;
    this.shardTokens = shardTokens;
  }

  void write(int[] tokens, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      write(tokens[i]);
    }
  }

  void write(int token) throws IOException {
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
  List<CorpusManifest.ShardEntry> shards() {
    return shards;
  }

  @Override
  public void close() throws IOException {
    finishShard();
  }
}
