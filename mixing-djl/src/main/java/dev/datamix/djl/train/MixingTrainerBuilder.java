package dev.datamix.djl.train;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.schedule.LearningRateSchedule;
import dev.datamix.signal.ReferenceLossTable;
import dev.datamix.state.ExistingOutput;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** Builds a {@link MixingTrainer}: {@code MixingTrainer.builder()}. */
public final class MixingTrainerBuilder {
  Corpus corpus;
  TrainingConfig config = TrainingConfig.defaults();
  JsonNode policySpec;
  Path runDir;
  PrintStream progress;
  LearningRateSchedule schedule;
  PolicyRegistry registry;
  ExistingOutput existing = ExistingOutput.REFUSE;
  java.util.Set<dev.datamix.run.ResumeChange> resumeChanges =
      java.util.EnumSet.noneOf(dev.datamix.run.ResumeChange.class);
  Path initialWeights;
  CheckpointIo checkpointIo = CheckpointIo.fileSystem();
  Device[] devices;
  Path referenceRun;
  Path referenceTable;
  ReferenceLossTable.Storage referenceStorage = ReferenceLossTable.Storage.HEAP;

  MixingTrainerBuilder() {}

  /**
   * Optional: start from the model weights of another run's latest checkpoint (continual
   * pre-training); the optimizer, step and policy start fresh.
   */
  public MixingTrainerBuilder optInitialWeights(Path otherRunDirectory) {
    this.initialWeights = otherRunDirectory;
    return this;
  }

  /** Required: the corpus. */
  public MixingTrainerBuilder setCorpus(Corpus corpus) {
    this.corpus = corpus;
    return this;
  }

  /** Required: {@code {"policy": name, "config": {...}}}. */
  public MixingTrainerBuilder setPolicy(JsonNode spec) {
    this.policySpec = spec;
    return this;
  }

  /** Required: where metrics and checkpoints go. */
  public MixingTrainerBuilder setRunDirectory(Path dir) {
    this.runDir = dir;
    return this;
  }

  /** Optional: the training config (default: {@link TrainingConfig#defaults()}). */
  public MixingTrainerBuilder optConfig(TrainingConfig config) {
    this.config = config;
    return this;
  }

  /** Optional: a progress line on this stream. */
  public MixingTrainerBuilder optProgress(PrintStream out) {
    this.progress = out;
    return this;
  }

  /** Optional: a learning-rate schedule instead of the config's warmup + cosine. */
  public MixingTrainerBuilder optSchedule(LearningRateSchedule schedule) {
    this.schedule = schedule;
    return this;
  }

  /** Optional: the registry to find the policy in (default: the class path's). */
  public MixingTrainerBuilder optRegistry(PolicyRegistry registry) {
    this.registry = registry;
    return this;
  }

  /**
   * Optional: continue from the run directory's latest checkpoint. Every trainer setting must
   * match the checkpoint's but {@code device}, {@code checkpointEvery}, {@code logEvery} and
   * {@code maxNonFiniteInARow}; {@code steps} may change when no step already taken would
   * change: its learning rate and the policy's {@link dev.datamix.policy.Horizon} decide.
   */
  public MixingTrainerBuilder resume() {
    this.existing = ExistingOutput.RESUME;
    return this;
  }

  /**
   * Optional, with {@link #resume()}: what may have changed since the checkpoint (default:
   * nothing). {@code CORPUS_GROWN}: data appended to domains or domains added (none lost
   * any); blocks already served stay served and each grown domain's epoch in progress serves its
   * new blocks before it ends; {@code trainDomains} may gain domains. {@code POLICY_CHANGED}:
   * another policy spec, {@code maxEpochs} or {@code weightUnit}; the policy restarts from its
   * config at the checkpoint's step, the sampler keeps its counters. Either way the model, the
   * optimizer and every other setting continue as saved.
   */
  public MixingTrainerBuilder optResumeChanges(java.util.Set<dev.datamix.run.ResumeChange>
      changes) {
    this.resumeChanges = java.util.EnumSet.noneOf(dev.datamix.run.ResumeChange.class);
    this.resumeChanges.addAll(changes);
    return this;
  }

  /**
   * Optional: delete the run found in the run directory completely before starting (a
   * directory that is not empty and holds no run is never deleted). Without this or {@link
   * #resume()}, a run directory that is not empty is an error.
   */
  public MixingTrainerBuilder overwrite() {
    this.existing = ExistingOutput.OVERWRITE;
    return this;
  }

  /**
   * Optional: the file operations checkpoints are written through (default {@link
   * CheckpointIo#fileSystem()}).
   */
  public MixingTrainerBuilder optCheckpointIo(CheckpointIo io) {
    this.checkpointIo = java.util.Objects.requireNonNull(io, "io");
    return this;
  }

  /**
   * Optional: the devices to train on, data-parallel, instead of the config's {@code device}
   * setting (for a device list chosen by the caller's own launcher).
   */
  public MixingTrainerBuilder optDevices(Device... devices) {
    if (devices.length == 0) {
      throw new IllegalArgumentException("optDevices needs at least one device");
    }
    if (new java.util.HashSet<>(java.util.Arrays.asList(devices)).size() != devices.length) {
      throw new IllegalArgumentException("optDevices lists a device twice: "
          + java.util.Arrays.toString(devices) + "; DJL keeps one parameter copy per device");
    }
    this.devices = devices.clone();
    return this;
  }

  /**
   * Optional: a frozen reference model for {@link dev.datamix.signal.SignalKind#REFERENCE_LOSS}
   * (DoReMi's proxy): the latest checkpoint of run {@code runDirectory}, scored on every batch
   * with one extra forward pass; the excess is clipped per token, as in the paper. A policy that
   * asks for reference losses needs this or {@link #optReferenceTable}.
   */
  public MixingTrainerBuilder optReferenceModel(Path runDirectory) {
    this.referenceRun = runDirectory;
    return this;
  }

  /**
   * Optional: reference losses looked up in a precomputed per-block table ({@code
   * ReferenceTables.build}) instead of a forward pass per step; the excess is then clipped per
   * block. With {@link #optReferenceModel} as well, the table must have been built from that
   * model.
   */
  public MixingTrainerBuilder optReferenceTable(Path tableDirectory,
      ReferenceLossTable.Storage storage) {
    this.referenceTable = tableDirectory;
    this.referenceStorage = java.util.Objects.requireNonNull(storage, "storage");
    return this;
  }

  /**
   * The trainer.
   *
   * @throws IllegalArgumentException naming a missing setting or an unknown domain
   * @throws dev.datamix.state.IncompatibleStateException if resuming from a checkpoint of another model, corpus,
   *     policy or config, or with more steps than the schedule or policy allows
   * @throws IllegalArgumentException if the policy asks for reference losses and neither a
   *     reference model nor a table is given
   * @throws dev.datamix.state.OutputExistsException if the run directory is not empty and
   *     neither {@link #resume()} nor {@link #overwrite()} was given, or holds no run to resume
   *     or overwrite
   * @throws IOException if the run directory or checkpoint cannot be read or written
   */
  public MixingTrainer build() throws IOException {
    if (corpus == null || policySpec == null || runDir == null) {
      throw new IllegalArgumentException("corpus, policy and run directory must be set, got "
          + "corpus " + corpus + ", policy " + policySpec + ", runDir " + runDir);
    }
    if (registry == null) {
      registry = PolicyRegistry.load();
    }
    NativeDeterminism.warnOnce();
    return new MixingTrainer(this);
  }
}
