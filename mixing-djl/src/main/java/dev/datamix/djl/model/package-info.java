/** A GPT-style decoder written with DJL blocks, initialised deterministically from a seed. */
package dev.datamix.djl.model;
