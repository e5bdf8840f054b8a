package dev.datamix.corpus.megatron;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.MegatronIndex;
import dev.datamix.corpus.Split;
import dev.datamix.state.OutputExistsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes one split of a prepared domain as a Megatron-LM indexed dataset that Megatron's reader
 * accepts ({@code datamix export --format megatron}): each document, its end-of-text token
 * included (what {@code preprocess_data.py --append-eod} writes), becomes one document of one
 * sequence. Tokens after the split's last end-of-text token, if any, form a last document.
 *
 * @see MegatronWriter
 */
public final class MegatronExport {
  private static final int READ_TOKENS = 1 << 20;

  private MegatronExport() {}

  /**
   * What was written.
   *
   * @param prefix the dataset written
   * @param documents its documents
   * @param tokens its tokens
   * @param dtypeId its token type
   */
  public record Result(Path prefix, long documents, long tokens, String dtypeId) {}

  /**
   * Exports split {@code split} of domain {@code domain} of {@code corpus} to {@code prefix}.
   *
   * @param overwrite whether existing {@code prefix.bin}/{@code prefix.idx} may be replaced
   * @throws OutputExistsException naming the files if they exist and {@code overwrite} is false
   * @throws IllegalArgumentException naming the domain if it does not exist
   */
  public static Result write(Corpus corpus, String domain, Split split, Path prefix,
      boolean overwrite) throws IOException {
    int d = corpus.domainIndex(domain);
    for (Path f : new Path[] {MegatronIndex.binFile(prefix), MegatronIndex.idxFile(prefix)}) {
      if (Files.exists(f) && !overwrite) {
        throw new OutputExistsException(f + " exists", "choose another prefix, or replace it "
            + "(--overwrite)", f.toAbsolutePath().getParent(), false, false);
      }
    }
    int eot = corpus.manifest().eotToken();
    long total = corpus.tokens(d, split);
    MegatronWriter w = new MegatronWriter(prefix, corpus.manifest().vocabSize());
    try {
      int[] buf = new int[READ_TOKENS];
      int filled = 0;
      long read = 0;
      while (read < total || filled > 0) {
        int n = (int) Math.min(buf.length - filled, total - read);
        corpus.readTokens(d, split, read, n, buf, filled);
        read += n;
        filled += n;
        int start = 0;
        for (int i = 0; i < filled; i++) {
          if (buf[i] == eot) {
            w.addDocument(buf, start, i + 1);
            start = i + 1;
          }
        }
        if (start == 0 && filled == buf.length) {
          buf = java.util.Arrays.copyOf(buf, buf.length * 2); // a document longer than the buffer
        } else {
          System.arraycopy(buf, start, buf, 0, filled - start);
        }
        filled -= start;
        if (read == total && filled > 0) {
          w.addDocument(buf, 0, filled);
          filled = 0;
        }
      }
    } catch (IOException | RuntimeException e) {
      w.abandon();
      throw e;
    }
    w.close();
    return new Result(prefix, w.documents(), w.tokens(), w.dtype().id());
  }
}
