/** {@link dev.datamix.run.DataMixer}: a policy and a sampler in lock-step, with one versioned state. */
package dev.datamix.run;
