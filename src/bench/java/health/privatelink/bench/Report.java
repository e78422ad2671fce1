package health.privatelink.bench;

import static health.privatelink.bench.Stats.fmt;
import static health.privatelink.bench.Stats.mb;
import static health.privatelink.bench.Stats.median;
import static health.privatelink.bench.Stats.percentile;
import static health.privatelink.bench.Stats.range;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
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
    List<Double> minimalMs = results.minimalMs();
    double minimal = median(minimalMs);
    double minimalRatio = cold / minimal;
    List<Double> minimalEveryMs = results.minimalEveryMs();
    double minimalEvery = median(minimalEveryMs);
    double warmMedian = median(warm.durations());
    double warmP90 = percentile(warm.durations(), 90);
    double overhead = warmMedian - reference.millis();
    double overheadP90 = warmP90 - reference.millis();
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
        "Cold start, minimal job: two HTTPS GETs at once, fresh connections, verified TLS, no DNS"
            + " library, metrics or alerts (median [min-max], "
            + minimalMs.size()
            + " runs)",
        fmt(minimal) + " ms " + range(minimalMs),
        "",
        "");
    row(
        out,
        "Cold start, minimal job at every address: the same, one GET per address the function"
            + " checks (4) (median [min-max], "
            + minimalEveryMs.size()
            + " runs)",
        fmt(minimalEvery) + " ms " + range(minimalEveryMs),
        "",
        "");
    row(
        out,
        "Cold start, function: 2 targets of 2 addresses at "
            + settings.latencyMillis()
            + " ms, metrics and alerts (median [min-max], "
            + functionMs.size()
            + " runs)",
        fmt(cold) + " ms " + range(functionMs),
        "",
        "");
    ratioRow(out, "Cold start / floor", ratio, 2.0);
    ratioRow(out, "Cold start / minimal job (priming included)", minimalRatio, 1.15);
    ratioRow(
        out,
        "Cold start / minimal job at every address (the same handshakes as the function)",
        cold / minimalEvery,
        Double.NaN);
    row(
        out,
        "Warm run duration (median / p90 of " + warm.durations().size() + ")",
        fmt(warmMedian) + " / " + fmt(warmP90) + " ms",
        "",
        "");
    row(
        out,
        reference.byCurl()
            ? "Slowest address's own latency: curl asking both targets' 2 addresses at once, fresh"
                + " connections and TLS handshakes, answer after "
                + settings.latencyMillis()
                + " ms (median of 15)"
            : "Slowest address's own latency (curl not found: the server's delay stands in)",
        fmt(reference.millis()) + " ms",
        "",
        "");
    row(
        out,
        "Warm overhead: duration - slowest address's own latency, every address checked (median /"
            + " p90)",
        fmt(overhead) + " / " + fmt(overheadP90) + " ms",
        "<= 15 ms (<= 30 ms before the timings work)",
        overhead <= 15 ? "yes" : overhead <= 30 ? "no (<= 30 ms: yes)" : "no");
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
    firstRun(out, results.firstRunPhases(), warm.phasesByTarget());
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
    scaleRun(out, settings, scale, "1 address", 1500);
    row(
        out,
        "Scale: checks alone (report's durationMs, median); each phase's slowest target in the"
            + " last run (ms)",
        fmt(median(scale.checks())) + " ms; " + slowestPhases(scale),
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
    scaleRows(out, settings, results.scaleTwoAddresses());
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

  /**
   * Each target's first-run phases (median over the cold starts) beside its warm medians, and the
   * contract's bound: every phase of the first run within 2x the warm median plus 15 ms.
   */
  private static void firstRun(
      StringBuilder out,
      Map<String, Map<String, List<Double>>> first,
      Map<String, Map<String, List<Double>>> warm) {
    List<String> over = new ArrayList<>();
    for (var target : first.entrySet()) {
      Map<String, List<Double>> warmPhases = warm.get(target.getKey());
      StringBuilder cells = new StringBuilder();
      for (String phase : Measurements.BOUNDED_PHASES) {
        double firstMs = median(target.getValue().get(phase));
        double warmMs = median(warmPhases.get(phase));
        double bound = 2 * warmMs + 15;
        cells
            .append(cells.isEmpty() ? "" : ", ")
            .append(phase.replace("Ms", ""))
            .append(' ')
            .append(fmt(firstMs))
            .append(" / ")
            .append(fmt(warmMs));
        if (firstMs > bound) {
          over.add(target.getKey() + " " + phase + " " + fmt(firstMs) + " > " + fmt(bound));
        }
      }
      row(
          out,
          "First run after a cold start / warm median, "
              + target.getKey()
              + " (first report of each cold start, median of "
              + target.getValue().get("dnsMs").size()
              + "; ms)",
          cells.toString(),
          "",
          "");
    }
    row(
        out,
        "First run (median of the cold starts): every phase within 2x the warm median + 15 ms (the"
            + " contract's bound)",
        over.isEmpty() ? "all within" : String.join("; ", over),
        "all within",
        over.isEmpty() ? "yes" : "no");
    int coldStarts = first.values().iterator().next().get("dnsMs").size();
    int within = 0;
    double worst = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < coldStarts; i++) {
      boolean all = true;
      for (var target : first.entrySet()) {
        for (String phase : Measurements.BOUNDED_PHASES) {
          double excess =
              target.getValue().get(phase).get(i)
                  - (2 * median(warm.get(target.getKey()).get(phase)) + 15);
          worst = Math.max(worst, excess);
          all &= excess <= 0;
        }
      }
      within += all ? 1 : 0;
    }
    row(
        out,
        "First run, each cold start: every phase of every target within the bound (the worst phase's"
            + " distance to its bound)",
        within + " of " + coldStarts + " (" + (worst > 0 ? "+" : "") + fmt(worst) + " ms)",
        "all",
        within == coldStarts ? "yes" : "no");
  }

  /** The scale run's duration row, against its goal. */
  private static void scaleRun(
      StringBuilder out, Settings settings, Scale scale, String addresses, long goalMs) {
    double median = median(scale.durations());
    row(
        out,
        "Scale: "
            + settings.scaleTargets()
            + " targets of "
            + addresses
            + " at "
            + settings.scaleLatencyMillis()
            + " ms, warm run (median [min-max] of "
            + scale.durations().size()
            + ", after "
            + settings.scaleWarmups()
            + " such runs)",
        fmt(median) + " ms " + range(scale.durations()),
        "< " + goalMs + " ms",
        median < goalMs ? "yes" : "no");
  }

  private static String slowestPhases(Scale scale) {
    return scale.slowestPhases().entrySet().stream()
        .map(e -> e.getKey().replace("Ms", "") + " " + fmt(e.getValue()))
        .collect(Collectors.joining(", "));
  }

  private static void scaleRows(StringBuilder out, Settings settings, Scale scale) {
    long scaleRssMb = Math.round(scale.memory().peakRssKb() / 1024.0);
    scaleRun(out, settings, scale, "2 addresses", 2000);
    row(
        out,
        "Scale, 2 addresses: checks alone (median); each phase's slowest target in the last run"
            + " (ms); CPU per run",
        fmt(median(scale.checks()))
            + " ms; "
            + slowestPhases(scale)
            + "; "
            + fmt(scale.cpuMsPerRun())
            + " ms",
        "",
        "");
    row(
        out,
        "Scale, 2 addresses: peak RSS of the process (VmHWM)",
        scaleRssMb + " MB",
        "< 256 MB",
        scaleRssMb < 256 ? "yes" : "no");
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
    out.append("- JDK of the measured processes: ")
        .append(javaRelease(settings.functionJavaHome()))
        .append(" (")
        .append(settings.functionJavaHome())
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
        "- targets on 127.0.0.1 and 127.0.0.2 (one HTTPS server each, one port), names resolved"
            + " by a loopback DNS server (two addresses a name; the one-address scale run's name,"
            + " one); metrics by PutMetricData to a loopback CloudWatch; alert state in a"
            + " loopback DynamoDB table (BatchGetItem every run), alerts to a loopback SNS\n");
    out.append("- command: `").append(settings.command()).append("`\n");
    return out.toString();
  }

  /** The JAVA_VERSION and IMPLEMENTOR a Java runtime's {@code release} file names. */
  private static String javaRelease(Path javaHome) {
    try {
      Properties release = new Properties();
      try (Reader in = Files.newBufferedReader(javaHome.resolve("release"))) {
        release.load(in);
      }
      return (release.getProperty("IMPLEMENTOR", "").replace("\"", "")
              + " "
              + release.getProperty("JAVA_VERSION", "unknown").replace("\"", ""))
          .trim();
    } catch (IOException e) {
      return "unknown (no release file)";
    }
  }

  /** A ratio against its goal (at most {@code goal}; NaN: none). */
  private static void ratioRow(StringBuilder out, String figure, double ratio, double goal) {
    boolean hasGoal = !Double.isNaN(goal);
    row(
        out,
        figure,
        String.format(Locale.ROOT, "%.2fx", ratio),
        hasGoal ? String.format(Locale.ROOT, "<= %sx", goal) : "",
        hasGoal ? (ratio <= goal ? "yes" : "no") : "");
  }

  private static void row(StringBuilder out, String figure, String value, String goal, String met) {
    Markdown.row(out, figure, value, goal, met);
  }
}
