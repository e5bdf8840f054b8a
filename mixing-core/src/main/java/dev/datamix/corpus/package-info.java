/**
 * Tokenised multi-domain corpora on disk: the manifest, memory-mapped shards, blocks, and batch
 * assembly into one reusable buffer.
 */
package dev.datamix.corpus;
