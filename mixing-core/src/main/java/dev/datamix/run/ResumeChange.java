package dev.datamix.run;

/**
 * What a resumed run may find changed since its checkpoint, when told so ({@link
 * DataMixer#restore(com.fasterxml.jackson.databind.JsonNode, java.util.Set)}); by default
 * nothing may change. The semantics users of Megatron-LM ask for in its PR 725: data already
 * served stays served, and the run continues deterministically.
 */
public enum ResumeChange {
  /**
   * Domains have gained blocks (data appended) or new domains were added; none lost any. Each
   * grown domain's epoch in progress serves its appended blocks after the ones it had left, so
   * no block repeats before the epoch ends.
   */
  CORPUS_GROWN,
  /**
   * The policy spec changed (other weights, another policy): the policy starts afresh from its
   * new config at the checkpoint's step; the sampler keeps every counter.
   */
  POLICY_CHANGED
}
