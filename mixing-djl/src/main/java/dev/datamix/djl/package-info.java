/**
 * The DJL adapter: the only package tree of datamix that imports {@code ai.djl}. Device
 * selection lives here; the model is in {@code dev.datamix.djl.model}, the training loop in
 * {@code dev.datamix.djl.train}.
 */
package dev.datamix.djl;
