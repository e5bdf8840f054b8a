package dev.datamix.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.datamix.random.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A GPT-style decoder written with DJL: token and learned position embeddings, {@code N}
 * pre-LayerNorm blocks of multi-head causal self-attention and a GELU MLP, a final LayerNorm and
 * an LM head (optionally tied to the token embedding).
 *
 * <p>Input: one {@code (batch, time)} array of token ids (any integer type), {@code time <=
 * context}. Output: {@code (batch, time, vocab)} logits. Weights are initialised from {@code
 * (seed, parameter, index)} in Java — N(0, 0.02), output projections scaled by {@code 1/√(2N)} as
 * in GPT-2 — so a model is identical on every device and run, with no global random generator.
 *
 * @see <a href="https://arxiv.org/abs/1706.03762">Vaswani et al., Attention Is All You Need,
 *     2017</a>
 */
public final class GptModel extends AbstractBlock {
  private static final float LN_EPS = 1e-5f;

  private final GptConfig config;
  private final Parameter tokenEmbedding;
  private final Parameter positionEmbedding;
  private final List<Layer> layers = new ArrayList<>();
  private final Parameter finalGamma;
  private final Parameter finalBeta;
  private final Parameter head;
  private final float[] causalMask;
  private final java.util.Map<String, Shape> shapes = new java.util.LinkedHashMap<>();

  /** An uninitialised model of {@code config}; call {@link #initializeWeights}. */
  public GptModel(GptConfig config) {
    this.config = config;
    int d = config.dModel();
    tokenEmbedding = param("wte", Parameter.Type.WEIGHT, config.vocabSize(), d);
    positionEmbedding = param("wpe", Parameter.Type.WEIGHT, config.context(), d);
    for (int i = 0; i < config.layers(); i++) {
      layers.add(new Layer(i, d, config.mlpRatio()));
    }
    finalGamma = param("lnf.gamma", Parameter.Type.GAMMA, d);
    finalBeta = param("lnf.beta", Parameter.Type.BETA, d);
    head = config.tiedEmbeddings() ? null
        : param("head", Parameter.Type.WEIGHT, config.vocabSize(), d);
    int t = config.context();
    causalMask = new float[t * t];
    for (int i = 0; i < t; i++) {
      for (int j = i + 1; j < t; j++) {
        causalMask[i * t + j] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  private Parameter param(String name, Parameter.Type type, long... shape) {
    shapes.put(name, new Shape(shape));
    return addParameter(Parameter.builder().setName(name).setType(type).build());
  }

  /** The shape of parameter {@code p} (known before its weights exist). */
  public Shape shapeOf(Parameter p) {
    return shapes.get(p.getName());
  }

  /** The sizes. */
  public GptConfig config() {
    return config;
  }

  /**
   * Creates every weight on {@code manager}'s device, deterministically from {@code seed}. Call
   * once; the arrays live as long as {@code manager}.
   */
  public void initializeWeights(NDManager manager, long seed) {
    int index = 0;
    double residualScale = 1.0 / Math.sqrt(2.0 * config.layers());
    for (Parameter p : getDirectParameters().values()) {
      Shape shape = shapeOf(p);
      int n = (int) shape.size();
      float[] values = new float[n];
      String name = p.getName();
      if (p.getType() == Parameter.Type.GAMMA) {
        Arrays.fill(values, 1f);
      } else if (p.getType() == Parameter.Type.WEIGHT) {
        double sd = 0.02 * (name.endsWith("proj.weight") || name.endsWith("fc2.weight")
            ? residualScale : 1.0);
        for (int i = 0; i < n; i++) {
          values[i] = (float) (sd * Seeds.toGaussian(Seeds.hash(seed, index, i, 0),
              Seeds.hash(seed, index, i, 1)));
        }
      }
      // DJL wraps a Java direct buffer without copying (torchFromBlob), so the tensor would sit
      // wherever Java's allocator put it, and MKL's matrix kernels pick code paths, and last bits,
      // by alignment. A copy made by PyTorch is aligned the same way in every process.
      try (NDArray wrapped = manager.create(values, shape)) {
        p.setArray(wrapped.duplicate());
      }
      p.initialize(manager, DataType.FLOAT32);
      index++;
    }
  }

  /** Parameters in a fixed order (the order of every flattened vector and checkpoint). */
  public List<Parameter> orderedParameters() {
    return new ArrayList<>(getDirectParameters().values());
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray tokens = inputs.singletonOrThrow();
    long batch = tokens.getShape().get(0);
    int time = (int) tokens.getShape().get(1);
    if (time > config.context()) {
      throw new IllegalArgumentException(
          "input has " + time + " tokens but the model's context is " + config.context());
    }
    var device = tokens.getDevice();
    NDManager m = tokens.getManager();
    NDArray ids = tokens.getDataType() == DataType.INT64 ? tokens
        : tokens.toType(DataType.INT64, false);
    NDArray wte = ps.getValue(tokenEmbedding, device, training);
    NDArray x = ids.getNDArrayInternal().embedding(ids, wte, SparseFormat.DENSE).head();
    NDArray wpe = ps.getValue(positionEmbedding, device, training);
    x = x.add(wpe.get(new NDIndex(":{}", time)));
    // the constants are made on the input's device (the manager's may be another replica's)
    NDArray mask = (time == config.context()
        ? m.create(causalMask, new Shape(time, time))
        : m.create(causalMask, new Shape(config.context(), config.context()))
            .get(new NDIndex(":{}, :{}", time, time))).toDevice(device, false);
    // Not mul(Number) in the layers: DJL's PyTorch engine wraps a scalar's Java buffer without
    // copying and closes the wrapper at once, while autograd keeps the tensor for backward; a GC
    // between forward and backward then frees the memory backward reads (gradients change from
    // run to run). This scalar stays attached to the input's manager until the step ends.
    NDArray scale = m.create((float) (1.0 / Math.sqrt(config.dModel() / config.heads())))
        .toDevice(device, false);
    for (Layer layer : layers) {
      x = layer.forward(ps, x, mask, scale, batch, time, training);
    }
    x = layerNorm(x, ps.getValue(finalGamma, device, training),
        ps.getValue(finalBeta, device, training));
    NDArray w = ps.getValue(head != null ? head : tokenEmbedding, device, training);
    return new NDList(x.matMul(w.transpose()));
  }

  private NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta) {
    return x.getNDArrayInternal().layerNorm(x, new Shape(config.dModel()), gamma, beta, LN_EPS)
        .head();
  }

  private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
    return x.getNDArrayInternal().linear(x, weight, bias).head();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {new Shape(in.get(0), in.get(1), config.vocabSize())};
  }

  /** One pre-LayerNorm transformer block. */
  private final class Layer {
    final Parameter ln1Gamma;
    final Parameter ln1Beta;
    final Parameter qkvWeight;
    final Parameter qkvBias;
    final Parameter projWeight;
    final Parameter projBias;
    final Parameter ln2Gamma;
    final Parameter ln2Beta;
    final Parameter fc1Weight;
    final Parameter fc1Bias;
    final Parameter fc2Weight;
    final Parameter fc2Bias;

    Layer(int i, int d, int ratio) {
      String p = "h" + i + ".";
      ln1Gamma = param(p + "ln1.gamma", Parameter.Type.GAMMA, d);
      ln1Beta = param(p + "ln1.beta", Parameter.Type.BETA, d);
      qkvWeight = param(p + "attn.qkv.weight", Parameter.Type.WEIGHT, 3L * d, d);
      qkvBias = param(p + "attn.qkv.bias", Parameter.Type.BIAS, 3L * d);
      projWeight = param(p + "attn.proj.weight", Parameter.Type.WEIGHT, d, d);
      projBias = param(p + "attn.proj.bias", Parameter.Type.BIAS, d);
      ln2Gamma = param(p + "ln2.gamma", Parameter.Type.GAMMA, d);
      ln2Beta = param(p + "ln2.beta", Parameter.Type.BETA, d);
      fc1Weight = param(p + "mlp.fc1.weight", Parameter.Type.WEIGHT, (long) ratio * d, d);
      fc1Bias = param(p + "mlp.fc1.bias", Parameter.Type.BIAS, (long) ratio * d);
      fc2Weight = param(p + "mlp.fc2.weight", Parameter.Type.WEIGHT, d, (long) ratio * d);
      fc2Bias = param(p + "mlp.fc2.bias", Parameter.Type.BIAS, d);
    }

    /** {@code scale} is the attention's {@code 1/√(head width)} as an array (see the caller). */
    NDArray forward(ParameterStore ps, NDArray x, NDArray mask, NDArray scale, long batch,
        int time, boolean training) {
      var dev = x.getDevice();
      int d = config.dModel();
      int h = config.heads();
      int hd = d / h;
      NDArray a = layerNorm(x, ps.getValue(ln1Gamma, dev, training),
          ps.getValue(ln1Beta, dev, training));
      NDArray qkv = linear(a, ps.getValue(qkvWeight, dev, training),
          ps.getValue(qkvBias, dev, training));
      NDList parts = qkv.split(3, 2);
      NDArray q = parts.get(0).reshape(batch, time, h, hd).transpose(0, 2, 1, 3);
      NDArray k = parts.get(1).reshape(batch, time, h, hd).transpose(0, 2, 1, 3);
      NDArray v = parts.get(2).reshape(batch, time, h, hd).transpose(0, 2, 1, 3);
      NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).add(mask);
      NDArray att = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(batch, time, d);
      x = x.add(linear(att, ps.getValue(projWeight, dev, training),
          ps.getValue(projBias, dev, training)));
      NDArray b = layerNorm(x, ps.getValue(ln2Gamma, dev, training),
          ps.getValue(ln2Beta, dev, training));
      NDArray hidden = Activation.gelu(linear(b, ps.getValue(fc1Weight, dev, training),
          ps.getValue(fc1Bias, dev, training)));
      return x.add(linear(hidden, ps.getValue(fc2Weight, dev, training),
          ps.getValue(fc2Bias, dev, training)));
    }
  }
}
