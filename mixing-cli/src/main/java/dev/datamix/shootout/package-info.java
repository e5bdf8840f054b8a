/** The policy shoot-out at a fixed token budget: runs, table, plots. */
package dev.datamix.shootout;
