/**
 * Hugging Face datasets as corpus sources, found by {@code datamix prepare} through {@link
 * dev.datamix.corpus.prepare.DocumentSourceProvider}: directories written by {@code
 * datasets.save_to_disk} (a {@code Dataset} or a {@code DatasetDict}: Arrow IPC stream files
 * listed in {@code state.json}), single Arrow stream files, and Parquet files as the Hub serves
 * them. Every reader streams: one Arrow record batch, or one DuckDB result chunk, at a time.
 */
package dev.datamix.hf;
