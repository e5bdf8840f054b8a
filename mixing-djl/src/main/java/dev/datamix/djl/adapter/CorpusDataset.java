package dev.datamix.djl.adapter;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.mixture.Domain;
import java.util.Arrays;
import java.util.List;

/**
 * A DJL {@link RandomAccessDataset} over blocks of a corpus: item {@code i} (a {@link BlockIndex}
 * flat index) is one block, data = its {@code L} input tokens, label = the {@code L} targets
 * shifted by one. Pair it with {@link MixtureBatchSampler} to let a policy choose the batches of
 * your own DJL training loop.
 */
public final class CorpusDataset extends RandomAccessDataset {
  private final Corpus corpus;
  private final Split split;
  private final int[] corpusDomains;
  private final BlockIndex index;

  private CorpusDataset(Builder b) {
    super(b);
    this.corpus = b.corpus;
    this.split = b.split;
    this.corpusDomains = b.corpusDomains;
    this.index = new BlockIndex(b.domains);
  }

  /** A builder; set the sampler with {@code setSampling(new MixtureBatchSampler(...))}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The flat indexing of {@code (domain, block)}. */
  public BlockIndex blockIndex() {
    return index;
  }

  @Override
  public Record get(NDManager manager, long i) {
    int d = index.domainOf(i);
    int length = corpus.blockLength();
    int[] tokens = new int[length + 1];
    corpus.readBlock(corpusDomains[d], split, index.blockOf(i), tokens, 0);
    return new Record(
        new NDList(manager.create(Arrays.copyOfRange(tokens, 0, length), new Shape(length))),
        new NDList(manager.create(Arrays.copyOfRange(tokens, 1, length + 1), new Shape(length))));
  }

  @Override
  protected long availableSize() {
    return index.size();
  }

  @Override
  public void prepare(Progress progress) {}

  /** Builds a {@link CorpusDataset}. */
  public static final class Builder extends BaseBuilder<Builder> {
    private Corpus corpus;
    private Split split = Split.TRAIN;
    private List<Domain> domains;
    private int[] corpusDomains;

    /**
     * Required: the corpus and the domains (by name, in the policy's order) to serve.
     *
     * @throws IllegalArgumentException naming an unknown domain
     */
    public Builder setCorpus(Corpus corpus, List<String> domainNames) {
      this.corpus = corpus;
      List<Domain> all = corpus.domains(split);
      corpusDomains = new int[domainNames.size()];
      Domain[] ds = new Domain[domainNames.size()];
      for (int i = 0; i < ds.length; i++) {
        corpusDomains[i] = corpus.domainIndex(domainNames.get(i));
        ds[i] = all.get(corpusDomains[i]);
      }
      domains = List.of(ds);
      return this;
    }

    /** The domains as the policy sees them. */
    public List<Domain> domains() {
      return domains;
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** The dataset. */
    public CorpusDataset build() {
      if (corpus == null) {
        throw new IllegalArgumentException("setCorpus must be called");
      }
      return new CorpusDataset(this);
    }
  }
}
