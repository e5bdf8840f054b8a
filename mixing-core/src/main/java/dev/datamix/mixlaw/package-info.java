/**
 * The offline mixing-law family: a swarm of small proxy runs on mixtures sampled around the token
 * prior (RegMix, Liu et al., ICLR 2025, arXiv 2407.01492), a regressor from mixture to loss (Data
 * Mixing Laws' log-linear law, Ye et al., 2024, arXiv 2403.16952; linear and quadratic mixture
 * models; gradient-boosted trees as RegMix's LightGBM), and a proposer that searches the simplex
 * for the predicted-best mix under constraints (Olmix, {@code allenai/olmix}). The swarm is kept
 * in Olmix's {@code ratios.csv}/{@code metrics.csv} layout, so swarms made elsewhere fit here.
 */
package dev.datamix.mixlaw;
