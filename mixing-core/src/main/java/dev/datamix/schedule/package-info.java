/** Learning-rate schedules as pure functions of the step. */
package dev.datamix.schedule;
