/**
 * What policies ask of the trainer ({@link dev.datamix.signal.SignalRequest}) and what the trainer
 * answers ({@link dev.datamix.signal.Observation}): held-out and training losses, per-block
 * losses, gradient alignment, phase switches.
 */
package dev.datamix.signal;
