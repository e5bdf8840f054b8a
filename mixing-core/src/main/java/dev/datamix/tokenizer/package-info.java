/**
 * Tokenizers: the built-in byte-level tokenizer and GPT-2-style BPE from a local Hugging Face
 * {@code tokenizer.json} (through jtokkit). Nothing is ever fetched at run time.
 */
package dev.datamix.tokenizer;
