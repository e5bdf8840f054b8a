/**
 * Continual pre-training (Ibrahim et al., TMLR 2024): phases of datasets with compute-equivalent
 * replay and optimizer resets; the schedules are in {@code dev.datamix.schedule}.
 */
package dev.datamix.continual;
