/**
 * Embedding a policy in your own DJL loop: {@link dev.datamix.djl.adapter.CorpusDataset}, {@link
 * dev.datamix.djl.adapter.MixtureBatchSampler} and {@link
 * dev.datamix.djl.adapter.MixingTrainingListener}.
 */
package dev.datamix.djl.adapter;
