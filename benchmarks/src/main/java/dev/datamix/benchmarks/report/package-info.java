/** Turns benchmark output into the Markdown tables under {@code docs/}. */
package dev.datamix.benchmarks.report;
