package health.privatelink.bench;

import static health.privatelink.bench.Stats.fmt;
import static health.privatelink.bench.Stats.mb;
import static health.privatelink.bench.Stats.median;
import static health.privatelink.bench.Stats.percentile;
import static health.privatelink.bench.Stats.range;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The Markdown the benchmark prints: the figures against their goals, the cost tables, and the
 * machine they were measured on.
 */
final class Report {
  private Report() {}

  static String markdown(
      Settings settings, Template template, List<String> functionFlags, Results results) {
    Warm warm = results.warm();
    Scale scale = results.scale();
    Reference reference = results.reference();
    List<Double> floorMs = results.floorMs();
    List<Double> functionMs = results.functionMs();
    double floor = median(floorMs);
    double cold = median(functionMs);
    double ratio = cold / floor;
    double warmMedian = median(warm.durations());
    double warmP90 = percentile(warm.durations(), 90);
    double overhead = warmMedian - reference.millis();
    double overheadP90 = warmP90 - reference.millis();
    double scaleMedian = median(scale.durations());
    long scaleRssMb = Math.round(scale.memory().peakRssKb() / 1024.0);
    long jarBytes = results.jarBytes();

    StringBuilder out = new StringBuilder();
    out.append("\n## Results\n\n");
    out.append("| figure | measured | goal | met |\n|---|---|---|---|\n");
    row(
        out,
        "Cold start, floor: no-op handler, JVM start to first response (median [min-max], "
            + floorMs.size()
            + " runs)",
        fmt(floor) + " ms " + range(floorMs),
        "",
        "");
    row(
        out,
        "Cold start, function: 2 targets at "
            + settings.latencyMillis()
            + " ms, metrics and alerts (median [min-max], "
            + functionMs.size()
            + " runs)",
        fmt(cold) + " ms " + range(functionMs),
        "",
        "");
    row(
        out,
        "Cold start / floor",
        String.format(Locale.ROOT, "%.2fx", ratio),
        "<= 2.0x",
        ratio <= 2.0 ? "yes" : "no");
    row(
        out,
        "Warm run duration (median / p90 of " + warm.durations().size() + ")",
        fmt(warmMedian) + " / " + fmt(warmP90) + " ms",
        "",
        "");
    row(
        out,
        reference.byCurl()
            ? "Slowest target's own latency: curl asking both targets at once, fresh connections"
                + " and TLS handshakes, answer after "
                + settings.latencyMillis()
                + " ms (median of 15)"
            : "Slowest target's own latency (curl not found: the server's delay stands in)",
        fmt(reference.millis()) + " ms",
        "",
        "");
    row(
        out,
        "Warm overhead: duration - slowest target's own latency (median / p90)",
        fmt(overhead) + " / " + fmt(overheadP90) + " ms",
        "<= 30 ms",
        overhead <= 30 ? "yes" : "no");
    row(
        out,
        "CPU time (user + system) of the process: cold start floor / function (median); warm run;"
            + " scale run",
        fmt(median(results.floorCpuMs()))
            + " / "
            + fmt(median(results.functionCpuMs()))
            + " ms; "
            + fmt(warm.cpuMsPerRun())
            + " ms; "
            + fmt(scale.cpuMsPerRun())
            + " ms",
        "",
        "");
    row(
        out,
        "Warm run, AWS calls per run (CloudWatch PutMetricData / DynamoDB BatchGetItem)",
        warm.putCallsPerRun() + " / " + warm.stateReadsPerRun(),
        "",
        "");
    row(
        out,
        "Warm run, checks alone (report's durationMs, median)",
        fmt(median(warm.checks())) + " ms",
        "",
        "");
    row(
        out,
        "Warm run, first target's phases (median, ms)",
        warm.phases().entrySet().stream()
            .map(e -> e.getKey().replace("Ms", "") + " " + fmt(median(e.getValue())))
            .collect(Collectors.joining(", ")),
        "",
        "");
    row(
        out,
        "Default run: peak RSS (VmHWM) / heap committed / heap used",
        mb(warm.memory().peakRssKb())
            + " / "
            + mb(warm.memory().heapCommittedKb())
            + " / "
            + mb(warm.memory().heapUsedKb()),
        "",
        "");
    row(
        out,
        "Scale: "
            + settings.scaleTargets()
            + " targets at "
            + settings.scaleLatencyMillis()
            + " ms, warm run (median [min-max] of "
            + scale.durations().size()
            + ", after "
            + settings.scaleWarmups()
            + " such runs)",
        fmt(scaleMedian) + " ms " + range(scale.durations()),
        "< 1500 ms",
        scaleMedian < 1500 ? "yes" : "no");
    row(
        out,
        "Scale: checks alone (report's durationMs, median); each phase's slowest target in the"
            + " last run (ms)",
        fmt(median(scale.checks()))
            + " ms; "
            + scale.slowestPhases().entrySet().stream()
                .map(e -> e.getKey().replace("Ms", "") + " " + fmt(e.getValue()))
                .collect(Collectors.joining(", ")),
        "",
        "");
    row(out, "Scale: first (cold) run, JVM start to report", fmt(scale.coldMs()) + " ms", "", "");
    row(
        out,
        "Scale: peak RSS of the process (VmHWM)",
        scaleRssMb + " MB",
        "< 256 MB",
        scaleRssMb < 256 ? "yes" : "no");
    row(
        out,
        "Scale: heap committed / used after the runs",
        mb(scale.memory().heapCommittedKb()) + " / " + mb(scale.memory().heapUsedKb()),
        "",
        "");
    row(
        out,
        "Deployment package (`target/privatelink-health.jar`)",
        String.format(Locale.ROOT, "%.1f MB (%,d bytes)", jarBytes / 1e6, jarBytes),
        "",
        "");
    row(out, "MemorySize in template.yaml", template.memoryMb() + " MB", "", "");
    out.append(CostTable.monthly(settings, template, results));
    out.append(CostTable.memorySizes(settings, template, results));
    out.append(machine(settings, template, functionFlags, results));
    return out.toString();
  }

  private static String machine(
      Settings settings, Template template, List<String> functionFlags, Results results) {
    StringBuilder out = new StringBuilder();
    out.append("\n## Machine\n\n");
    out.append("- CPU: ")
        .append(Proc.cpuModel())
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores (nproc)\n");
    out.append("- memory: ")
        .append(Proc.memTotalKb().isPresent() ? mb(Proc.memTotalKb().getAsLong()) : "unknown")
        .append('\n');
    out.append("- JDK: ")
        .append(System.getProperty("java.vm.vendor"))
        .append(' ')
        .append(System.getProperty("java.runtime.version"))
        .append(" (")
        .append(System.getProperty("java.home"))
        .append(")\n");
    out.append("- function JVM flags: ")
        .append(String.join(" ", functionFlags))
        .append(
            settings.extraFunctionFlags().isEmpty()
                ? ""
                : " " + String.join(" ", settings.extraFunctionFlags()))
        .append(template.javaToolOptions().map(o -> "; JAVA_TOOL_OPTIONS=" + o).orElse(""))
        .append('\n');
    out.append("- load average (1, 5, 15 min): ")
        .append(results.loadAtStart())
        .append(" at the start, ")
        .append(results.loadAtEnd())
        .append(" at the end\n");
    out.append(
        "- targets on 127.0.0.1 at the HTTPS server's own port, names resolved by a loopback"
            + " DNS server; metrics by PutMetricData to a loopback CloudWatch; alert state in a"
            + " loopback DynamoDB table (BatchGetItem every run), alerts to a loopback SNS\n");
    out.append("- command: `").append(settings.command()).append("`\n");
    return out.toString();
  }

  private static void row(StringBuilder out, String figure, String value, String goal, String met) {
    Markdown.row(out, figure, value, goal, met);
  }
}
