/**
 * Past one process: the {@link dev.datamix.distributed.Collective} SPI (rank, world size,
 * all-reduce, all-gather, broadcast) with implementations for a single process and for threads
 * of one JVM ({@link dev.datamix.distributed.ThreadCollective}), and the exchange of a step's
 * signals between data-parallel ranks so that every rank holds the same policy state ({@link
 * dev.datamix.distributed.RankedSignals}).
 */
package dev.datamix.distributed;
