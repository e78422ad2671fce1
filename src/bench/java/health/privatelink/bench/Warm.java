package health.privatelink.bench;

import java.util.List;
import java.util.Map;

/**
 * What the warm runs of the default targets measured.
 *
 * @param durations event handed out to report posted back, per run (ms)
 * @param checks the report's durationMs, per run
 * @param phases the first target's phase timings, per phase, per run
 * @param phasesByTarget every target's phase timings: target, phase, per run
 * @param putCallsPerRun PutMetricData calls a run, rounded
 * @param stateReadsPerRun DynamoDB BatchGetItem calls a run, rounded
 */
record Warm(
    List<Double> durations,
    List<Double> checks,
    Map<String, List<Double>> phases,
    Map<String, Map<String, List<Double>>> phasesByTarget,
    Memory memory,
    double cpuMsPerRun,
    double logBytesPerRun,
    int metricsPerRun,
    int putCallsPerRun,
    int stateReadsPerRun) {}
