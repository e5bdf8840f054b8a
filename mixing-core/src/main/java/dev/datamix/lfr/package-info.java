/** LFR, Learn–Focus–Review (Prakriya et al., CoNLL 2025): per-block loss scheduling. */
package dev.datamix.lfr;
