/**
 * Megatron-LM indexed datasets ({@code .bin}/{@code .idx} pairs, as written by Megatron's {@code
 * tools/preprocess_data.py}, NeMo, gpt-neox and datatrove): attached to a corpus as domains read
 * in place ({@link dev.datamix.corpus.megatron.MegatronDomains}; the reader is {@link
 * dev.datamix.corpus.MegatronIndex}) and written from any prepared domain ({@link
 * dev.datamix.corpus.megatron.MegatronWriter}, {@link dev.datamix.corpus.megatron.MegatronExport}).
 */
package dev.datamix.corpus.megatron;
