package health.privatelink.bench;

import static health.privatelink.bench.Prices.ALARM_MONTH;
import static health.privatelink.bench.Prices.CANARY_RUN;
import static health.privatelink.bench.Prices.CUSTOM_METRIC_MONTH;
import static health.privatelink.bench.Prices.DYNAMODB_READ_UNIT;
import static health.privatelink.bench.Prices.FULL_VCPU_MB;
import static health.privatelink.bench.Prices.KMS_KEY_MONTH;
import static health.privatelink.bench.Prices.LAMBDA_ARM_GB_SECOND;
import static health.privatelink.bench.Prices.LAMBDA_REQUEST;
import static health.privatelink.bench.Prices.LOG_INGEST_GB;
import static health.privatelink.bench.Prices.PUT_METRIC_DATA_REQUEST;
import static health.privatelink.bench.Prices.RUNS_PER_MONTH;
import static health.privatelink.bench.Stats.fmt;
import static health.privatelink.bench.Stats.mb;
import static health.privatelink.bench.Stats.median;

import java.util.List;
import java.util.Locale;

/**
 * What the measured runs cost a month at list prices, beside CloudWatch Synthetics, and what each
 * memory size would do to a run's CPU part and its compute cost.
 */
final class CostTable {
  private static final int ALARMS = 3;
  private static final int TARGETS = 2;

  private CostTable() {}

  /** The monthly cost of the stack with the default two targets. */
  static String monthly(Settings settings, Template template, Results results) {
    Warm warm = results.warm();
    int memoryMb = template.memoryMb();
    double coldMs = median(results.functionMs());
    double warmMs = median(warm.durations());
    double gb = memoryMb / 1024.0;
    long billedWarmMs = (long) Math.ceil(warmMs);
    // Since August 2025 the init phase is billed too: a cold start costs its whole time.
    double coldExtraMs = Math.max(0, coldMs - warmMs);
    int coldStarts = settings.coldStartsPerDay() * 30;
    double computeWarm = RUNS_PER_MONTH * billedWarmMs / 1000.0 * gb * LAMBDA_ARM_GB_SECOND;
    double computeCold = coldStarts * coldExtraMs / 1000.0 * gb * LAMBDA_ARM_GB_SECOND;
    double requests = RUNS_PER_MONTH * LAMBDA_REQUEST;
    double metrics = warm.metricsPerRun() * CUSTOM_METRIC_MONTH;
    double puts = (double) RUNS_PER_MONTH * warm.putCallsPerRun() * PUT_METRIC_DATA_REQUEST;
    double alarmCost = ALARMS * ALARM_MONTH;
    double logs = RUNS_PER_MONTH * warm.logBytesPerRun() / 1e9 * LOG_INGEST_GB;
    double stateReads = RUNS_PER_MONTH * (double) TARGETS * DYNAMODB_READ_UNIT;
    double total =
        computeWarm
            + computeCold
            + requests
            + metrics
            + puts
            + alarmCost
            + logs
            + KMS_KEY_MONTH
            + stateReads;
    double canaries = (double) TARGETS * RUNS_PER_MONTH * CANARY_RUN;

    StringBuilder out = new StringBuilder();
    out.append("\n## Monthly cost, us-east-1 list prices, 2 targets every minute (")
        .append(String.format(Locale.ROOT, "%,d", RUNS_PER_MONTH))
        .append(" runs)\n\n");
    out.append("| item | price | quantity | USD/month |\n|---|---|---|---|\n");
    cost(
        out,
        "Lambda compute, warm runs (arm64, "
            + memoryMb
            + " MB, billed "
            + billedWarmMs
            + " ms each)",
        "$0.0000133334 per GB-s",
        String.format(Locale.ROOT, "%,.0f GB-s", RUNS_PER_MONTH * billedWarmMs / 1000.0 * gb),
        computeWarm);
    cost(
        out,
        "Lambda compute, cold starts (init billed; "
            + settings.coldStartsPerDay()
            + " a day assumed, "
            + fmt(coldExtraMs)
            + " ms more than a warm run)",
        "$0.0000133334 per GB-s",
        String.format(Locale.ROOT, "%,.0f GB-s", coldStarts * coldExtraMs / 1000.0 * gb),
        computeCold);
    cost(
        out,
        "Lambda requests",
        "$0.20 per million",
        String.format(Locale.ROOT, "%,d", RUNS_PER_MONTH),
        requests);
    cost(
        out,
        "CloudWatch custom metrics (healthy run; a failing target adds HealthCheckFailure)",
        "$0.30 per metric",
        String.valueOf(warm.metricsPerRun()),
        metrics);
    cost(
        out,
        "PutMetricData requests",
        "$0.01 per 1,000",
        String.format(Locale.ROOT, "%,d", RUNS_PER_MONTH * warm.putCallsPerRun()),
        puts);
    cost(
        out,
        "CloudWatch alarms (standard resolution)",
        "$0.10 per alarm",
        String.valueOf(ALARMS),
        alarmCost);
    cost(
        out,
        "CloudWatch Logs ingestion (" + fmt(warm.logBytesPerRun()) + " bytes a run)",
        "$0.50 per GB",
        String.format(Locale.ROOT, "%.3f GB", RUNS_PER_MONTH * warm.logBytesPerRun() / 1e9),
        logs);
    cost(out, "KMS key for the alert topic", "$1 per key", "1", KMS_KEY_MONTH);
    cost(
        out,
        "DynamoDB alert state reads (on-demand, 1 unit per target a run)",
        "$0.125 per million",
        String.format(Locale.ROOT, "%,d", RUNS_PER_MONTH * TARGETS),
        stateReads);
    out.append("| **privatelink-health stack** | | | **")
        .append(String.format(Locale.ROOT, "%.2f", total))
        .append("** |\n");
    out.append("| CloudWatch Synthetics: 1 canary per target, every minute | $0.0012 per run | ")
        .append(String.format(Locale.ROOT, "%,d", TARGETS * RUNS_PER_MONTH))
        .append(" | **")
        .append(String.format(Locale.ROOT, "%.2f", canaries))
        .append("** |\n");
    out.append(
        "\nNot counted: the dashboard (free for an account's first 3), log storage, the"
            + " optional VPC interface endpoints ($0.01 an hour each per AZ); canaries also pay for"
            + " their own Lambda runs, logs and S3 artifacts.\n");
    return out.toString();
  }

  /**
   * Lambda gives a function CPU in proportion to its memory, one vCPU at 1769 MB. The CPU the
   * process used here, stretched by that share, estimates what each memory size adds to a run.
   */
  static String memorySizes(Settings settings, Template template, Results results) {
    Warm warm = results.warm();
    Scale scale = results.scale();
    double coldCpuMs = median(results.functionCpuMs());
    StringBuilder out = new StringBuilder();
    out.append(
        "\n## Memory size: CPU share and fit (estimate from the CPU time measured here)\n\n");
    out.append("| MemorySize | vCPU share | warm run: CPU part | cold start: CPU part | ")
        .append(settings.scaleTargets())
        .append(" targets: CPU part | peak RSS (")
        .append(mb(scale.memory().peakRssKb()))
        .append(") fits | warm compute USD/month |\n|---|---|---|---|---|---|---|\n");
    for (int size : List.of(256, 512, 1024, FULL_VCPU_MB)) {
      double share = Math.min(1.0, size / (double) FULL_VCPU_MB);
      double warmMs = settings.latencyMillis() + warm.cpuMsPerRun() / share;
      double usd =
          RUNS_PER_MONTH * Math.ceil(warmMs) / 1000.0 * size / 1024.0 * LAMBDA_ARM_GB_SECOND;
      out.append(
          String.format(
              Locale.ROOT,
              "| %d MB%s | %.2f | %.0f ms | %.0f ms | %.0f ms | %s | %.2f |%n",
              size,
              size == template.memoryMb() ? " (template)" : "",
              share,
              warm.cpuMsPerRun() / share,
              coldCpuMs / share,
              scale.cpuMsPerRun() / share,
              scale.memory().peakRssKb() / 1024.0 < size * 0.8 ? "yes" : "no",
              usd));
    }
    return out.toString();
  }

  private static void cost(StringBuilder out, String item, String price, String qty, double usd) {
    Markdown.row(out, item, price, qty, String.format(Locale.ROOT, "%.2f", usd));
  }
}
