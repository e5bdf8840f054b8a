/**
 * Velocitune (Luo et al., ACL 2025): velocity-based domain reweighting with scaling-law target
 * losses from a proxy run.
 */
package dev.datamix.velocitune;
