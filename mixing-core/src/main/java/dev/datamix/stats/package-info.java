/**
 * The statistics behind every published table: mean and seed spread, and the bootstrap over
 * evaluation blocks that measures how much a score would move on another sample of the same
 * text.
 */
package dev.datamix.stats;
