package health.privatelink.bench;

import java.util.List;

/**
 * Everything one benchmark measured, for the Markdown output.
 *
 * @param floorMs the no-op handler's cold starts (the first, discarded one left out)
 * @param functionMs the function's cold starts (the first, discarded one left out)
 * @param floorCpuMs the floor's CPU time per cold start, the first one included
 * @param functionCpuMs the function's CPU time per cold start, the first one included
 * @param loadAtStart load averages before the servers measured anything
 * @param loadAtEnd load averages after the last run
 * @param jarBytes the size of the function's package
 */
record Results(
    List<Double> floorMs,
    List<Double> functionMs,
    List<Double> floorCpuMs,
    List<Double> functionCpuMs,
    Reference reference,
    Warm warm,
    Scale scale,
    String loadAtStart,
    String loadAtEnd,
    long jarBytes) {}
