/**
 * The deterministic, resumable sampler: alias-method domain draws keyed by {@code (seed, step,
 * draw)}, without-replacement block order per domain-epoch, block eligibility and repetition caps.
 */
package dev.datamix.sampler;
