/** Counter-based, stateless randomness keyed by {@code (seed, step, ...)}: the root of datamix's exact resume. */
package dev.datamix.random;
