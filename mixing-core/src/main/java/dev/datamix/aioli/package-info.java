/**
 * Aioli (Chen et al., ICLR 2025, arXiv 2411.05735): the linear mixing law estimated online, inside
 * the main run, by short LearnParams sweeps over smoothed one-hot mixtures, and an
 * exponentiated-gradient step on the weights each round.
 */
package dev.datamix.aioli;
