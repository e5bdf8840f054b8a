/**
 * DGA, Dynamic Gradient Alignment (Fan, Grangier and Ablin, 2024), with distribution reweighting,
 * and the importance-sampling baseline.
 */
package dev.datamix.dga;
