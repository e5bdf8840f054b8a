package dev.datamix.djl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.datamix.schedule.LearningRateSchedule;
import dev.datamix.schedule.Schedules;
import org.junit.jupiter.api.Test;

class ScheduleTrackerTest {
  @Test
  void updateCountsMapToStepsAcrossDevices() {
    LearningRateSchedule s = Schedules.wsd(1e-3, 1e-4, 10, 50, 10, false);
    ScheduleTracker one = new ScheduleTracker(s, 1);
    ScheduleTracker two = new ScheduleTracker(s, 2);
    assertEquals((float) s.at(0), one.getNewValue(1));
    assertEquals((float) s.at(4), one.getNewValue(5));
    assertEquals((float) s.at(4), two.getNewValue(9), "updates 9 and 10 are step 4 on 2 devices");
    assertEquals((float) s.at(4), two.getNewValue(10));
    assertEquals((float) s.at(55), two.getNewValue(111));
  }
}
