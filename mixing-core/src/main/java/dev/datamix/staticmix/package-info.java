/**
 * Static mixes (docs/algorithms.md §1): explicit, proportional, temperature, uniform (stratified) and
 * piecewise schedules. The baselines every dynamic policy must beat.
 */
package dev.datamix.staticmix;
