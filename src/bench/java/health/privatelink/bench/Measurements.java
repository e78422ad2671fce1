package health.privatelink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.privatelink.testing.Processes;
import health.privatelink.testing.RuntimeApiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the processes the launcher starts and times them: a cold start (JVM start to the first
 * response), the warm runs of the default targets and the runs of many slow targets, each in a
 * process of its own behind a Runtime API of its own.
 */
final class Measurements {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> PHASES =
      List.of("dnsMs", "connectMs", "tlsMs", "ttfbMs", "totalMs");
  private static final Duration INVOKE_TIMEOUT = Duration.ofSeconds(50);
  private static final Duration AWAIT = Duration.ofSeconds(60);

  private final Settings settings;
  private final Launcher launcher;
  private final Servers servers;
  private final String event;
  private final Path work;

  Measurements(Settings settings, Launcher launcher, Servers servers, String event, Path work) {
    this.settings = settings;
    this.launcher = launcher;
    this.servers = servers;
    this.event = event;
    this.work = work;
  }

  /**
   * One cold start: its time and the CPU the process used for it, in milliseconds, and the first
   * response (the first report, for the function).
   */
  record Cold(double millis, double cpuMillis, JsonNode response) {}

  /** The phases the first-run bound covers (totalMs is their sum, not a phase of its own). */
  static final List<String> BOUNDED_PHASES = List.of("dnsMs", "connectMs", "tlsMs", "ttfbMs");

  /** Each target's phase timings in this report, added to {@code into}: target, phase, values. */
  static void addPhases(JsonNode report, Map<String, Map<String, List<Double>>> into) {
    for (JsonNode result : report.get("results")) {
      Map<String, List<Double>> phases =
          into.computeIfAbsent(result.get("target").asText(), n -> new LinkedHashMap<>());
      for (String phase : PHASES) {
        phases
            .computeIfAbsent(phase, p -> new ArrayList<>())
            .add(result.get("timings").get(phase).asDouble());
      }
    }
  }

  /** JVM start to the first response posted back. */
  Cold coldStart(Launch launch) throws Exception {
    try (RuntimeApiServer runtime = new RuntimeApiServer()) {
      String id = runtime.invoke(event, INVOKE_TIMEOUT);
      Path log = launcher.newLog(launch.name() + "-cold");
      long t0 = System.nanoTime();
      Process process = launcher.start(launch, runtime, log);
      try {
        RuntimeApiServer.Outcome outcome = runtime.await(id, AWAIT);
        long t1 = System.nanoTime();
        expectHealthy(launch, outcome, log);
        return new Cold(
            (t1 - t0) / 1e6, Proc.cpuMillis(process.pid()), JSON.readTree(outcome.body()));
      } finally {
        Processes.stop(process);
      }
    }
  }

  /** Warm runs in one process: duration from the event handed out to the report posted. */
  Warm warmRuns(Launch function) throws Exception {
    try (RuntimeApiServer runtime = new RuntimeApiServer()) {
      Path log = launcher.newLog("function-warm");
      String first = runtime.invoke(event, INVOKE_TIMEOUT);
      Process process = launcher.start(function, runtime, log);
      try {
        expectHealthy(function, runtime.await(first, AWAIT), log);
        for (int i = 0; i < settings.warmups(); i++) {
          invokeTimed(runtime, function, log);
        }
        List<Double> durations = new ArrayList<>();
        List<Double> checks = new ArrayList<>();
        Map<String, List<Double>> phases = new LinkedHashMap<>();
        Map<String, Map<String, List<Double>>> phasesByTarget = new LinkedHashMap<>();
        int putsBefore = servers.putMetricDataCalls();
        int readsBefore = servers.stateReads();
        long logBefore = Files.size(log);
        double cpuBefore = Proc.cpuMillis(process.pid());
        for (int i = 0; i < settings.warmRuns(); i++) {
          Timed timed = invokeTimed(runtime, function, log);
          durations.add(timed.millis());
          Files.writeString(work.resolve("last-warm-report.json"), timed.report().toPrettyString());
          checks.add(timed.report().get("durationMs").asDouble());
          addPhases(timed.report(), phasesByTarget);
          JsonNode timings = timed.report().get("results").get(0).get("timings");
          for (String phase : PHASES) {
            phases
                .computeIfAbsent(phase, p -> new ArrayList<>())
                .add(timings.get(phase).asDouble());
          }
        }
        long logBytes = Files.size(log) - logBefore;
        double cpuPerRun = (Proc.cpuMillis(process.pid()) - cpuBefore) / settings.warmRuns();
        return new Warm(
            durations,
            checks,
            phases,
            phasesByTarget,
            Memory.of(process, settings.functionJavaHome()),
            cpuPerRun,
            (double) logBytes / settings.warmRuns(),
            // Distinct metrics of the last call; none when a tried setting sends no PutMetricData.
            servers.metricsOfLastPut().size(),
            perRun(servers.putMetricDataCalls() - putsBefore),
            perRun(servers.stateReads() - readsBefore));
      } finally {
        Processes.stop(process);
      }
    }
  }

  private int perRun(int calls) {
    return (int) Math.round((double) calls / settings.warmRuns());
  }

  /** Many slow targets: a cold run, warm-ups, then the measured warm runs, in one process. */
  Scale scaleRuns(Launch function) throws Exception {
    try (RuntimeApiServer runtime = new RuntimeApiServer()) {
      Path log = launcher.newLog("function-scale");
      String first = runtime.invoke(event, INVOKE_TIMEOUT);
      long t0 = System.nanoTime();
      Process process = launcher.start(function, runtime, log);
      try {
        RuntimeApiServer.Outcome outcome = runtime.await(first, AWAIT);
        double cold = (System.nanoTime() - t0) / 1e6;
        expectHealthy(function, outcome, log);
        // A warm environment checking 200 targets has run that check before: warm up with it.
        for (int i = 0; i < settings.scaleWarmups(); i++) {
          invokeTimed(runtime, function, log);
        }
        List<Double> durations = new ArrayList<>();
        List<Double> checks = new ArrayList<>();
        Map<String, Double> slowestPhases = new LinkedHashMap<>();
        double cpuBefore = Proc.cpuMillis(process.pid());
        for (int i = 0; i < settings.scaleRuns(); i++) {
          Timed timed = invokeTimed(runtime, function, log);
          durations.add(timed.millis());
          checks.add(timed.report().get("durationMs").asDouble());
          slowestPhases.clear();
          for (JsonNode result : timed.report().get("results")) {
            for (String phase : PHASES) {
              slowestPhases.merge(phase, result.get("timings").get(phase).asDouble(), Math::max);
            }
          }
        }
        double cpuPerRun = (Proc.cpuMillis(process.pid()) - cpuBefore) / settings.scaleRuns();
        return new Scale(
            cold,
            durations,
            checks,
            slowestPhases,
            Memory.of(process, settings.functionJavaHome()),
            cpuPerRun);
      } finally {
        Processes.stop(process);
      }
    }
  }

  private record Timed(double millis, JsonNode report) {}

  /**
   * One warm invocation: the runtime is already waiting on {@code next}, so queueing the event
   * hands it out at once; the time ends when the report is posted back.
   */
  private Timed invokeTimed(RuntimeApiServer runtime, Launch launch, Path log) throws Exception {
    Thread.sleep(100);
    long t0 = System.nanoTime();
    String id = runtime.invoke(event, INVOKE_TIMEOUT);
    RuntimeApiServer.Outcome outcome = runtime.await(id, AWAIT);
    long t1 = System.nanoTime();
    expectHealthy(launch, outcome, log);
    return new Timed((t1 - t0) / 1e6, JSON.readTree(outcome.body()));
  }

  private static void expectHealthy(Launch launch, RuntimeApiServer.Outcome outcome, Path log)
      throws IOException {
    if (outcome == null || outcome.error()) {
      throw new IllegalStateException(
          launch.name()
              + " did not answer: "
              + (outcome == null ? "(nothing)" : outcome.body())
              + "\n"
              + Files.readString(log));
    }
    if (launch.reportsHealth()) {
      JsonNode report = JSON.readTree(outcome.body());
      if (!report.get("healthy").asBoolean()) {
        throw new IllegalStateException("the benchmark targets must be healthy: " + report);
      }
    }
  }
}
