/** Scaling-law fits (data law and Chinchilla law) for Velocitune's target losses. */
package dev.datamix.scaling;
