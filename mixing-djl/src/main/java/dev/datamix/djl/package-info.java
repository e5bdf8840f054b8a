/**
 * The DJL adapter: the only package of datamix that imports {@code ai.djl}. It wires any {@link
 * dev.datamix.policy.MixingPolicy} into a PyTorch-engine training loop (issue 4 of the project
 * plan). In this release the module contains no classes yet; it is built so that the dependency
 * set (DJL {@code api} 0.35.1) is resolved and checked by every build.
 */
package dev.datamix.djl;
