/**
 * Apache Spark for the work that outgrows one machine: {@link dev.datamix.spark.SparkPrepare}
 * (corpus preparation as a Spark job) and {@link dev.datamix.spark.SparkRuns} (independent runs
 * as Spark tasks: a swarm's proxies, a shoot-out's runs), with the {@code datamix-spark}
 * command line ({@link dev.datamix.spark.DatamixSpark}).
 */
package dev.datamix.spark;
