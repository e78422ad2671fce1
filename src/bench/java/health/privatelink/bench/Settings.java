package health.privatelink.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the environment may change, read once from it; the defaults are the figures the README
 * reports.
 *
 * @param extraFunctionFlags BENCH_FUNCTION_JVM_FLAGS: JVM flags added to the function's, to try a
 *     lever
 * @param extraFunctionEnv BENCH_FUNCTION_ENV ("KEY=value KEY2=value2"): settings added to the
 *     function's environment, to try one without editing anything
 * @param jar BENCH_JAR: another build of the function (one saved before a change), to compare
 * @param functionJavaHome BENCH_FUNCTION_JAVA_HOME: the Java runtime the floors, the minimal job
 *     and the function run on (default: the benchmark's own); Lambda's java21 runtime is a JDK 21,
 *     whose TLS and elliptic-curve code differ from later JDKs'
 * @param command how the benchmark was started, for the results
 */
record Settings(
    int coldRuns,
    int warmups,
    int warmRuns,
    long latencyMillis,
    int scaleTargets,
    long scaleLatencyMillis,
    int scaleWarmups,
    int scaleRuns,
    int coldStartsPerDay,
    List<String> extraFunctionFlags,
    Map<String, String> extraFunctionEnv,
    Path jar,
    Path functionJavaHome,
    String command) {

  Settings {
    if (coldRuns < 1 || warmRuns < 1 || scaleRuns < 1) {
      throw new IllegalArgumentException(
          "BENCH_COLD_RUNS, BENCH_WARM_RUNS, BENCH_SCALE_RUNS must be >= 1");
    }
    extraFunctionFlags = List.copyOf(extraFunctionFlags);
    extraFunctionEnv = Map.copyOf(extraFunctionEnv);
  }

  static Settings fromEnvironment(Map<String, String> env) {
    return new Settings(
        integer(env, "BENCH_COLD_RUNS", 10),
        integer(env, "BENCH_WARMUPS", 10),
        integer(env, "BENCH_WARM_RUNS", 50),
        integer(env, "BENCH_LATENCY_MS", 200),
        integer(env, "BENCH_SCALE_TARGETS", 200),
        integer(env, "BENCH_SCALE_LATENCY_MS", 1000),
        integer(env, "BENCH_SCALE_WARMUPS", 3),
        integer(env, "BENCH_SCALE_RUNS", 5),
        integer(env, "BENCH_COLD_STARTS_PER_DAY", 12),
        words(env, "BENCH_FUNCTION_JVM_FLAGS"),
        pairs(words(env, "BENCH_FUNCTION_ENV")),
        Path.of(env.getOrDefault("BENCH_JAR", "target/privatelink-health.jar")),
        Path.of(env.getOrDefault("BENCH_FUNCTION_JAVA_HOME", System.getProperty("java.home"))),
        env.getOrDefault("BENCH_COMMAND", "bench/run"));
  }

  private static int integer(Map<String, String> env, String key, int otherwise) {
    String value = env.get(key);
    return value == null || value.isBlank() ? otherwise : Integer.parseInt(value.trim());
  }

  private static List<String> words(Map<String, String> env, String key) {
    return List.of(env.getOrDefault(key, "").split("\\s+")).stream()
        .filter(s -> !s.isBlank())
        .toList();
  }

  /** KEY=value words as a map, in order, a later key winning; words without '=' are ignored. */
  private static Map<String, String> pairs(List<String> words) {
    Map<String, String> pairs = new LinkedHashMap<>();
    for (String pair : words) {
      if (pair.contains("=")) {
        pairs.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
      }
    }
    return pairs;
  }
}
