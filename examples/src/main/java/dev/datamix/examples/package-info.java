/** Runnable examples and the demo the README's first command runs. */
package dev.datamix.examples;
