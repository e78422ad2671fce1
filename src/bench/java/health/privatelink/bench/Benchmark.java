package health.privatelink.bench;

import static health.privatelink.bench.Stats.fmt;
import static health.privatelink.bench.Stats.median;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures the packaged function under the real Lambda runtime interface client, everything on
 * loopback: cold start against a do-nothing handler's, warm overhead over the targets' own latency,
 * a run of many slow targets with the process's peak memory, the package size and the monthly cost.
 * Prints one Markdown table, also written to target/bench/results.md. Run it with {@code
 * bench/run}.
 */
public final class Benchmark {
  private static final Path WORK = Path.of("target", "bench");
  private static final Path RUNTIME_JARS = Path.of("target", "lambda-runtime");

  private Benchmark() {}

  public static void main(String[] args) throws Exception {
    Settings settings = Settings.fromEnvironment(System.getenv());
    String event = Files.readString(Path.of("events", "scheduled.json"));
    Template template = Template.read(Path.of("template.yaml"));
    if (!Files.exists(settings.jar()) || !Files.isDirectory(RUNTIME_JARS)) {
      throw new IllegalStateException("package the function first: ./mvnw package -DskipTests");
    }
    Files.createDirectories(WORK.resolve("logs"));
    try (Servers servers = Servers.start(settings, WORK)) {
      Launcher launcher =
          new Launcher(settings, template, WORK, RUNTIME_JARS, servers.trustStore());
      String markdown =
          Report.markdown(
              settings,
              template,
              launcher.lambdaFlags(),
              measure(settings, servers, launcher, event));
      System.out.print(markdown);
      Files.writeString(WORK.resolve("results.md"), markdown);
    }
  }

  private static Results measure(
      Settings settings, Servers servers, Launcher launcher, String event) throws Exception {
    Measurements measurements = new Measurements(settings, launcher, servers, event, WORK);
    String loadAtStart = Proc.loadAverage();
    Reference reference = Reference.measure(servers, WORK, settings.latencyMillis());
    progress("reference client: slowest target answers in " + fmt(reference.millis()) + " ms");

    // 1. Cold starts, the two floors and the function interleaved so that drift hits all alike.
    // The first of each is a warm-up: left out of the times, its CPU time still counted.
    Launch floor = launcher.floor();
    Launch minimal = launcher.minimalJob("minimal-job", servers.minimalJobTargets(false));
    Launch minimalEvery =
        launcher.minimalJob("minimal-job-every-address", servers.minimalJobTargets(true));
    Launch function = launcher.function(servers.functionEnvironment(servers.defaultTargets()));
    List<Double> floorCpu = new ArrayList<>();
    List<Double> minimalCpu = new ArrayList<>();
    List<Double> functionCpu = new ArrayList<>();
    floorCpu.add(measurements.coldStart(floor).cpuMillis());
    minimalCpu.add(measurements.coldStart(minimal).cpuMillis());
    measurements.coldStart(minimalEvery);
    functionCpu.add(measurements.coldStart(function).cpuMillis());
    List<Double> floorMs = new ArrayList<>();
    List<Double> minimalMs = new ArrayList<>();
    List<Double> minimalEveryMs = new ArrayList<>();
    List<Double> functionMs = new ArrayList<>();
    Map<String, Map<String, List<Double>>> firstRunPhases = new LinkedHashMap<>();
    for (int i = 0; i < settings.coldRuns(); i++) {
      Measurements.Cold floorRun = measurements.coldStart(floor);
      Measurements.Cold minimalRun = measurements.coldStart(minimal);
      Measurements.Cold minimalEveryRun = measurements.coldStart(minimalEvery);
      Measurements.Cold functionRun = measurements.coldStart(function);
      floorMs.add(floorRun.millis());
      floorCpu.add(floorRun.cpuMillis());
      minimalMs.add(minimalRun.millis());
      minimalCpu.add(minimalRun.cpuMillis());
      minimalEveryMs.add(minimalEveryRun.millis());
      functionMs.add(functionRun.millis());
      functionCpu.add(functionRun.cpuMillis());
      Measurements.addPhases(functionRun.response(), firstRunPhases);
      // Each cold start's first report, to see which phase of which cold start missed the bound.
      Files.writeString(
          WORK.resolve("first-run-" + (i + 1) + ".json"), functionRun.response().toPrettyString());
      progress(
          "cold start "
              + (i + 1)
              + "/"
              + settings.coldRuns()
              + ": floor "
              + fmt(floorMs.getLast())
              + " ms, minimal job "
              + fmt(minimalMs.getLast())
              + " ms (every address "
              + fmt(minimalEveryMs.getLast())
              + " ms), function "
              + fmt(functionMs.getLast())
              + " ms");
    }

    // 2. Warm runs in one process.
    Warm warm = measurements.warmRuns(function);
    progress("warm: median " + fmt(median(warm.durations())) + " ms");

    // 3. Scale: many slow targets in one warm run, of one address each, then of two.
    Scale scale =
        measurements.scaleRuns(
            launcher.function(
                servers.functionEnvironment(servers.manyTargets(settings.scaleTargets(), false))));
    progress("scale, one address: median " + fmt(median(scale.durations())) + " ms");
    Scale scaleTwo =
        measurements.scaleRuns(
            launcher.function(
                servers.functionEnvironment(servers.manyTargets(settings.scaleTargets(), true))));
    progress("scale, two addresses: median " + fmt(median(scaleTwo.durations())) + " ms");

    return new Results(
        floorMs,
        functionMs,
        floorCpu,
        functionCpu,
        minimalMs,
        minimalCpu,
        minimalEveryMs,
        firstRunPhases,
        reference,
        warm,
        scale,
        scaleTwo,
        loadAtStart,
        Proc.loadAverage(),
        Files.size(settings.jar()));
  }

  private static void progress(String line) {
    System.err.println("bench: " + line);
  }
}
