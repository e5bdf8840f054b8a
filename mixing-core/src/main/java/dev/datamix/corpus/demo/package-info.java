/** The built-in demo corpus, generated deterministically from a seed; documented per domain. */
package dev.datamix.corpus.demo;
