package dev.datamix.djl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterServer;
import dev.datamix.state.IncompatibleStateException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW with decoupled weight decay, whose moments can be saved and restored (DJL's {@code Adam}
 * cannot export its state, which breaks exact resume), plugged into DJL's {@code ParameterStore}
 * as its {@link ParameterServer} so that data-parallel training over several devices works the
 * way DJL's multi-device trainer does.
 *
 * <p>One step in two phases: {@code ParameterStore.updateAllParameters()} hands every
 * parameter's per-device gradients to {@link #update}, which sums them on the first device and
 * holds the sum; then {@link #globalGradNorm()} measures the summed gradient in the model's
 * parameter order (deterministic), and {@link #apply} clips it to a global norm and updates every
 * device's copy with the same numbers — or {@link #discard} drops it (a non-finite loss). The
 * update counter is this object's own, not DJL's per-device {@code numUpdate}.
 *
 * @see <a href="https://arxiv.org/abs/1711.05101">Loshchilov and Hutter, Decoupled Weight Decay
 *     Regularization, ICLR 2019</a>
 */
public final class AdamW implements ParameterServer {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final List<Parameter> order;
  private final Map<String, Parameter> byId = new HashMap<>();
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private final Map<String, NDArray[]> firstMoment = new HashMap<>();
  private final Map<String, NDArray[]> secondMoment = new HashMap<>();
  private long updates;

  /**
   * @param parameters the model's parameters, in a fixed order
   * @param beta1 first-moment decay, in {@code [0, 1)}
   * @param beta2 second-moment decay, in {@code [0, 1)}
   * @param eps denominator guard, {@code > 0}
   * @param weightDecay decoupled decay applied to parameters with two or more dimensions
   */
  public AdamW(List<Parameter> parameters, double beta1, double beta2, double eps,
      double weightDecay) {
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException(
          "beta1 and beta2 must be in [0, 1), got " + beta1 + " and " + beta2);
    }
    if (!(eps > 0) || !(weightDecay >= 0)) {
      throw new IllegalArgumentException(
          "eps must be > 0 and weightDecay >= 0, got " + eps + " and " + weightDecay);
    }
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.order = List.copyOf(parameters);
    for (Parameter p : order) {
      byId.put(p.getId(), p);
    }
  }

  @Override
  public void init(String parameterId, NDArray[] value) {}

  @Override
  public void update(String parameterId, NDArray[] grads, NDArray[] params) {
    // One device: the parameter's own gradient is read again in apply(), no copy needed.
    NDArray sum = null;
    if (grads.length > 1) {
      sum = grads[0].duplicate();
      for (int i = 1; i < grads.length; i++) {
        try (NDArray g = grads[i].toDevice(sum.getDevice(), true)) {
          sum.addi(g);
        }
      }
    }
    Pending old = pending.put(parameterId, new Pending(sum, params.clone()));
    if (old != null) {
      old.close();
    }
  }

  /** The L2 norm of the summed gradient over all parameters, in the model's parameter order. */
  public double globalGradNorm() {
    NDList squares = new NDList();
    for (Parameter p : order) {
      Pending pd = pending.get(p.getId());
      if (pd != null) {
        NDArray g = pd.gradient();
        squares.add(g.square().sum());
        if (pd.sum == null) {
          g.close();
        }
      }
    }
    if (squares.isEmpty()) {
      return 0;
    }
    double sq = NDArrays.stack(squares).sum().getFloat();
    squares.close();
    return Math.sqrt(sq);
  }

  /**
   * Updates every device copy with the held gradients, scaled by {@code gradScale} (the clipping
   * factor, at most 1), at learning rate {@code lr}; then zeroes the gradients.
   *
   * <p>With {@code s} the scale and {@code t} this update's number: {@code m ← β1·m + (1−β1)·s·g},
   * {@code v ← β2·v + (1−β2)·(s·g)²}, {@code w ← w·(1 − lr·wd) − lr·√(1−β2^t)/(1−β1^t) · m/(√v +
   * ε)} — Kingma and Ba's efficient form (ε added before the bias correction), decay decoupled
   * and only on parameters with two or more dimensions. It runs as PyTorch's fused update
   * through DJL ({@code NDArrayEx.adamUpdate}); the moments are this object's arrays, so they
   * can be exported.
   */
  public void apply(double lr, double gradScale) {
    updates++;
    double c1 = 1 - Math.pow(beta1, updates);
    double c2 = 1 - Math.pow(beta2, updates);
    float lrCorrected = (float) (lr * Math.sqrt(c2) / c1);
    for (Parameter p : order) {
      Pending pd = pending.get(p.getId());
      if (pd == null) {
        continue;
      }
      NDArray[] m = moments(firstMoment, p.getId(), pd.params);
      NDArray[] v = moments(secondMoment, p.getId(), pd.params);
      float decay = pd.params[0].getShape().dimension() >= 2 ? (float) weightDecay : 0f;
      NDArray summed = pd.gradient();
      for (int d = 0; d < pd.params.length; d++) {
        NDArray w = pd.params[d];
        boolean local = summed.getDevice().equals(w.getDevice());
        NDArray g = local ? summed : summed.toDevice(w.getDevice(), true);
        w.getNDArrayInternal().adamUpdate(new NDList(w, g, m[d], v[d]), new NDList(w),
            (float) lr, lrCorrected, decay, (float) gradScale, -1f, (float) beta1,
            (float) beta2, (float) eps, false, true);
        if (!local) {
          g.close();
        }
      }
      if (pd.sum == null) {
        summed.close();
      }
    }
    discard();
  }

  /** Drops the held gradients without updating (a skipped step), and zeroes the gradients. */
  public void discard() {
    for (Pending pd : pending.values()) {
      for (NDArray w : pd.params) {
        NDArray g = w.getGradient();
        g.set(new NDIndex(":"), 0f);
        g.close();
      }
      pd.close();
    }
    pending.clear();
  }

  private static NDArray[] moments(Map<String, NDArray[]> store, String id, NDArray[] params) {
    return store.computeIfAbsent(id, k -> {
      NDArray[] a = new NDArray[params.length];
      for (int d = 0; d < a.length; d++) {
        a[d] = params[d].zerosLike();
        // moments outlive the step's NDScope
        NDScope.unregister(a[d]);
      }
      return a;
    });
  }

  /** Updates applied so far. */
  public long updates() {
    return updates;
  }

  /**
   * The moments of every parameter (first device), in the model's order, for a checkpoint; absent
   * moments (before the first update) are zeros.
   */
  public State exportState() {
    List<float[]> m = new ArrayList<>();
    List<float[]> v = new ArrayList<>();
    for (Parameter p : order) {
      NDArray[] pm = firstMoment.get(p.getId());
      NDArray[] pv = secondMoment.get(p.getId());
      int n = (int) p.getArray().getShape().size();
      m.add(pm == null ? new float[n] : pm[0].toFloatArray());
      v.add(pv == null ? new float[n] : pv[0].toFloatArray());
    }
    return new State(updates, m, v);
  }

  /**
   * Restores moments written by {@link #exportState()} onto every device copy; call after the
   * first forward pass has created the device copies, or before (then they are created here from
   * the parameters' own arrays and copied to other devices on first use).
   *
   * @throws IncompatibleStateException if the parameter count or a size differs
   */
  public void importState(State state, List<NDArray[]> deviceCopies) {
    if (state.firstMoments().size() != order.size()) {
      throw new IncompatibleStateException("optimizer state has " + state.firstMoments().size()
          + " parameters, expected " + order.size());
    }
    for (int i = 0; i < order.size(); i++) {
      Parameter p = order.get(i);
      NDArray[] copies = deviceCopies.get(i);
      long n = copies[0].getShape().size();
      if (state.firstMoments().get(i).length != n || state.secondMoments().get(i).length != n) {
        throw new IncompatibleStateException("optimizer state of parameter '" + p.getName()
            + "' expected " + n + " values but found " + state.firstMoments().get(i).length);
      }
      NDArray[] m = moments(firstMoment, p.getId(), copies);
      NDArray[] v = moments(secondMoment, p.getId(), copies);
      for (int d = 0; d < copies.length; d++) {
        TensorCopy.into(m[d], state.firstMoments().get(i));
        TensorCopy.into(v[d], state.secondMoments().get(i));
      }
    }
    updates = state.updates();
  }

  @Override
  public void close() {
    discard();
    for (NDArray[] a : firstMoment.values()) {
      for (NDArray x : a) {
        x.close();
      }
    }
    for (NDArray[] a : secondMoment.values()) {
      for (NDArray x : a) {
        x.close();
      }
    }
  }

  /**
   * Saved optimizer state.
   *
   * @param updates updates applied
   * @param firstMoments first moment per parameter, in model order
   * @param secondMoments second moment per parameter, in model order
   */
  public record State(long updates, List<float[]> firstMoments, List<float[]> secondMoments) {}

  /** Held gradients: the sum over devices, or null when the one device's own gradient is used. */
  private record Pending(NDArray sum, NDArray[] params) implements AutoCloseable {
    NDArray gradient() {
      return sum != null ? sum : params[0].getGradient();
    }

    @Override
    public void close() {
      if (sum != null) {
        sum.close();
      }
    }
  }
}
