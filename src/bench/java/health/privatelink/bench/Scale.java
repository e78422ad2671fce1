package health.privatelink.bench;

import java.util.List;
import java.util.Map;

/**
 * What the runs of many slow targets measured.
 *
 * @param coldMs the first run: JVM start to report
 * @param durations the warm runs after the warm-ups (ms)
 * @param checks the report's durationMs, per warm run
 * @param slowestPhases each phase's slowest target in the last run
 */
record Scale(
    double coldMs,
    List<Double> durations,
    List<Double> checks,
    Map<String, Double> slowestPhases,
    Memory memory,
    double cpuMsPerRun) {}
