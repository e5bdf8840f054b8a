/**
 * Any Hugging Face {@code tokenizer.json} (BPE with or without byte fallback, Unigram,
 * WordPiece) behind mixing-core's {@link dev.datamix.tokenizer.Tokenizer}, through DJL's binding
 * of the Rust {@code tokenizers} library, offline; registered as the {@code "hf"} {@link
 * dev.datamix.tokenizer.TokenizerProvider}.
 */
package dev.datamix.djl.tokenizer;
