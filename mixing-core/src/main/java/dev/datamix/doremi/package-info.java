/**
 * DoReMi (Xie et al., NeurIPS 2023, arXiv 2305.10429): Group DRO over domains on a proxy model
 * against a reference model's per-block losses, whose weights averaged over the proxy run become
 * the main run's static mix.
 */
package dev.datamix.doremi;
