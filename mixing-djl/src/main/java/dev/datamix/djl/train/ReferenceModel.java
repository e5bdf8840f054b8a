package dev.datamix.djl.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.djl.model.GptConfig;
import dev.datamix.djl.model.GptModel;
import dev.datamix.run.RunDirectory;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A frozen reference model, loaded from another run's latest checkpoint, that scores blocks
 * forward only: DoReMi's reference model (Xie et al., NeurIPS 2023, arXiv 2305.10429, §2). Its
 * {@link #identity()} names the run, the checkpoint and the SHA-256 of its parameters, so that a
 * precomputed table or a resumed proxy can check it is the same model.
 */
public final class ReferenceModel implements AutoCloseable {
  private final NDManager manager;
  private final GptModel model;
  private final ParameterStore ps;
  private final Device device;
  private final ObjectNode identity;

  private ReferenceModel(NDManager manager, GptModel model, Device device, ObjectNode identity) {
    this.manager = manager;
    this.model = model;
    this.ps = new ParameterStore(manager, false);
    this.device = device;
    this.identity = identity;
  }

  /**
   * Loads the latest checkpoint of run {@code runDir} onto {@code device}.
   *
   * @throws IncompatibleStateException if the run has no checkpoint, or its model's vocabulary or
   *     context differs from {@code corpus}'s, naming expected and found
   */
  public static ReferenceModel load(Path runDir, Corpus corpus, Device device)
      throws IOException {
    RunDirectory run = new RunDirectory(runDir);
    if (!run.hasCheckpoint()) {
      throw new IncompatibleStateException("reference run " + runDir + " has no checkpoint: "
          + "train it first (DoReMi's reference stage)");
    }
    Path dir = Checkpoint.latest(run.checkpoints());
    JsonNode state = Checkpoint.readState(dir);
    JsonNode modelJson = state.path("model");
    GptConfig cfg;
    try {
      cfg = Json.mapper().treeToValue(modelJson, GptConfig.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new IncompatibleStateException("reference checkpoint " + dir + " has no readable "
          + "model: " + modelJson, e);
    }
    IncompatibleStateException.check("reference model vocabulary (corpus " + corpus.directory()
        + ")", corpus.manifest().vocabSize(), cfg.vocabSize());
    IncompatibleStateException.check("reference model context (corpus block length)",
        corpus.blockLength(), cfg.context());
    NDManager manager = NDManager.newBaseManager(device);
    try {
      GptModel model = new GptModel(cfg);
      model.initializeWeights(manager, 0);
      List<Checkpoint.Tensor> shapes = new ArrayList<>();
      for (Parameter p : model.orderedParameters()) {
        shapes.add(new Checkpoint.Tensor(p.getName(), p.getArray().getShape().getShape(), null));
      }
      List<float[]> values = Checkpoint.loadParameters(dir, modelJson, shapes);
      List<Parameter> order = model.orderedParameters();
      for (int i = 0; i < order.size(); i++) {
        TensorCopy.into(order.get(i).getArray(), values.get(i));
      }
      ObjectNode id = Json.object();
      id.put("run", runDir.toAbsolutePath().normalize().toString());
      id.put("checkpoint", dir.getFileName().toString());
      id.put("step", state.path("step").asLong());
      id.put("paramsSha256", sha256(dir.resolve("params.bin")));
      return new ReferenceModel(manager, model, device, id);
    } catch (RuntimeException | IOException e) {
      manager.close();
      throw e;
    }
  }

  /** The SHA-256 of a file, in hex. */
  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int r; (r = in.read(buf)) > 0; ) {
        md.update(buf, 0, r);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Which model this is: run, checkpoint, step and the SHA-256 of its parameters. */
  public ObjectNode identity() {
    return identity.deepCopy();
  }

  /**
   * The per-token losses (nats) of the {@code n} rows of {@code tokens} (row length {@code
   * rowLength}), row after row: {@code n × (rowLength − 1)} values.
   */
  public float[] perTokenLosses(int[] tokens, int n, int rowLength) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      return ModelBatch.perTokenLoss(model, ps, manager, device, tokens, 0, n, rowLength, false)
          .toFloatArray();
    }
  }

  /** The per-block mean losses of the same rows. */
  public float[] perBlockLosses(int[] tokens, int n, int rowLength) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      return ModelBatch.perBlockLoss(model, ps, manager, device, tokens, 0, n, rowLength, false)
          .toFloatArray();
    }
  }

  /**
   * Every training block of the corpus's domain {@code d}, scored in forward passes of {@code
   * batch} blocks: each block's mean per-token loss (nats), in block order.
   *
   * @throws IllegalArgumentException naming the value if {@code batch <= 0}, or the domain if it
   *     has more blocks than one array holds
   */
  public float[] trainingBlockLosses(Corpus corpus, int d, int batch) {
    if (batch <= 0) {
      throw new IllegalArgumentException("batch must be > 0, got " + batch);
    }
    long blocks = corpus.blocks(d, dev.datamix.corpus.Split.TRAIN);
    if (blocks > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("domain '" + corpus.domainNames().get(d) + "' has "
          + blocks + " blocks, more than one array holds");
    }
    float[] losses = new float[(int) blocks];
    dev.datamix.corpus.BatchAssembler assembler = new dev.datamix.corpus.BatchAssembler(corpus,
        dev.datamix.corpus.Split.TRAIN, batch);
    int[] doms = new int[batch];
    long[] refs = new long[batch];
    java.util.Arrays.fill(doms, d);
    for (long from = 0; from < blocks; from += batch) {
      int n = (int) Math.min(batch, blocks - from);
      for (int i = 0; i < n; i++) {
        refs[i] = from + i;
      }
      assembler.assemble(doms, refs, n);
      float[] v = perBlockLosses(assembler.tokens(), n, assembler.rowLength());
      System.arraycopy(v, 0, losses, (int) from, n);
    }
    return losses;
  }

  @Override
  public void close() {
    manager.close();
  }
}
