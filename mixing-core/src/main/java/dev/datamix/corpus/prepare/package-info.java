/**
 * Ingestion ({@code prepare}): text, directories and JSONL (gzip or not) to a tokenised corpus,
 * written atomically.
 */
package dev.datamix.corpus.prepare;
