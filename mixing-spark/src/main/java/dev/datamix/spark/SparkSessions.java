package dev.datamix.spark;

import org.apache.spark.sql.SparkSession;

/** The Spark session datamix's jobs run in: {@code local[*]} by default, any master given. */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * A session on {@code master} ({@code local[*]}, {@code local[2]}, {@code spark://host:7077},
   * {@code yarn}, ...), with no UI and quiet logs.
   */
  public static SparkSession open(String master, String appName) {
    return SparkSession.builder().master(master).appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate();
  }
}
