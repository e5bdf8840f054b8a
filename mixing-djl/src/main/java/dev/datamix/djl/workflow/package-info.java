/** Multi-stage training workflows: Velocitune's proxy, fit and main run. */
package dev.datamix.djl.workflow;
