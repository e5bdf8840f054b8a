/** The {@code datamix} command line (picocli). */
package dev.datamix.cli;
