/**
 * A simulated learner with analytic per-domain loss curves, and a driver that runs any policy on
 * it: fast tests, and a place to try a policy before spending GPU hours.
 */
package dev.datamix.sim;
