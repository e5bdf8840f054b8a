package dev.datamix.djl.train;

import ai.djl.training.tracker.Tracker;
import dev.datamix.schedule.LearningRateSchedule;

/**
 * A DJL {@link Tracker} that answers a datamix {@link LearningRateSchedule}, so users with their
 * own DJL loop get the same schedule. DJL's optimizers pass an update count that advances once
 * per device copy of a parameter per step, so the step is {@code (numUpdate − 1) / devices}.
 */
public final class ScheduleTracker implements Tracker {
  private final LearningRateSchedule schedule;
  private final int devices;

  /**
   * @param schedule the schedule
   * @param devices the devices the DJL trainer updates each parameter on, {@code > 0}
   */
  public ScheduleTracker(LearningRateSchedule schedule, int devices) {
    if (devices <= 0) {
      throw new IllegalArgumentException("devices must be > 0, got " + devices);
    }
    this.schedule = schedule;
    this.devices = devices;
  }

  @Override
  public float getNewValue(int numUpdate) {
    return (float) schedule.at(Math.max(0, (numUpdate - 1) / devices));
  }
}
