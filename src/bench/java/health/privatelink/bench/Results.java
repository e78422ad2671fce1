package health.privatelink.bench;

import java.util.List;
import java.util.Map;

/**
 * Everything one benchmark measured, for the Markdown output.
 *
 * @param floorMs the no-op handler's cold starts (the first, discarded one left out)
 * @param functionMs the function's cold starts (the first, discarded one left out)
 * @param floorCpuMs the floor's CPU time per cold start, the first one included
 * @param functionCpuMs the function's CPU time per cold start, the first one included
 * @param minimalMs the minimal job's cold starts (the first, discarded one left out)
 * @param minimalCpuMs the minimal job's CPU time per cold start, the first one included
 * @param minimalEveryMs the minimal job's cold starts when it GETs every address the function
 *     checks (the first, discarded one left out)
 * @param firstRunPhases the function's first report after each cold start (the discarded one left
 *     out): target, phase, per cold start
 * @param scale the targets of one address each
 * @param scaleTwoAddresses the targets of two addresses each
 * @param loadAtStart load averages before the servers measured anything
 * @param loadAtEnd load averages after the last run
 * @param jarBytes the size of the function's package
 */
record Results(
    List<Double> floorMs,
    List<Double> functionMs,
    List<Double> floorCpuMs,
    List<Double> functionCpuMs,
    List<Double> minimalMs,
    List<Double> minimalCpuMs,
    List<Double> minimalEveryMs,
    Map<String, Map<String, List<Double>>> firstRunPhases,
    Reference reference,
    Warm warm,
    Scale scale,
    Scale scaleTwoAddresses,
    String loadAtStart,
    String loadAtEnd,
    long jarBytes) {}
