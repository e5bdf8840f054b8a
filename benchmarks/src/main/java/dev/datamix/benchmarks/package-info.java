/** JMH benchmarks: one question per class. Run through {@code benchmarks/run-jmh.sh}. */
package dev.datamix.benchmarks;
