/**
 * ADO, adaptive data optimisation (Jiang et al., 2024, arXiv 2410.11820): per-domain power-law
 * fits of the training loss against the tokens seen, their derivative as each domain's learning
 * speed, and a mixture proportional to prior × speed × credit assignment.
 */
package dev.datamix.ado;
