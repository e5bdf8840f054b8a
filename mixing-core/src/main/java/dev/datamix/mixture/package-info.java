/** Immutable, validated values: {@link dev.datamix.mixture.Domain} and {@link dev.datamix.mixture.Mixture}. */
package dev.datamix.mixture;
