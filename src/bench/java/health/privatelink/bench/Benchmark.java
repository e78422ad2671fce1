package health.privatelink.bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.privatelink.testing.CloudWatchTestServer;
import health.privatelink.testing.DnsTestServer;
import health.privatelink.testing.DynamoDbTestServer;
import health.privatelink.testing.HttpTestServer;
import health.privatelink.testing.RuntimeApiServer;
import health.privatelink.testing.SnsEndpoint;
import health.privatelink.testing.TestAws;
import health.privatelink.testing.TestPki;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Measures the packaged function under the real Lambda runtime interface client, everything on
 * loopback: cold start against a do-nothing handler's, warm overhead over the targets' own latency,
 * a run of many slow targets with the process's peak memory, the package size and the monthly cost.
 * Prints one Markdown table. Run it with {@code bench/run}.
 */
public final class Benchmark {
  private static final String API_HOST = "api.private.prefect.cloud";
  private static final String UI_HOST = "app.private.prefect.cloud";
  private static final String HANDLER = "health.privatelink.lambda.Handler::handleRequest";
  private static final String NOOP_HANDLER = "health.privatelink.bench.NoopHandler::handleRequest";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RUNS_PER_MONTH = 30 * 24 * 60;
  private static final List<String> PHASES =
      List.of("dnsMs", "connectMs", "tlsMs", "ttfbMs", "totalMs");

  // us-east-1 list prices (public pricing pages), in US dollars.
  private static final double LAMBDA_ARM_GB_SECOND = 0.0000133334;
  private static final double LAMBDA_REQUEST = 0.20 / 1_000_000;
  private static final double CUSTOM_METRIC_MONTH = 0.30;
  private static final double PUT_METRIC_DATA_REQUEST = 0.01 / 1_000;
  private static final double ALARM_MONTH = 0.10;
  private static final double LOG_INGEST_GB = 0.50;
  private static final double KMS_KEY_MONTH = 1.00;
  private static final double DYNAMODB_READ_UNIT = 0.125 / 1_000_000;
  private static final double CANARY_RUN = 0.0012;

  private final Settings settings;
  private final Path work;

  /** BENCH_JAR compares another build of the function (e.g. one saved before a change). */
  private final Path jar =
      Path.of(System.getenv().getOrDefault("BENCH_JAR", "target/privatelink-health.jar"));

  private final Path runtimeJars = Path.of("target", "lambda-runtime");
  private final TestPki pki = new TestPki();
  private final String event;
  private final int memoryMb;
  private final Optional<String> javaToolOptions;
  private final List<AutoCloseable> open = new ArrayList<>();
  private int logCounter;
  private final Map<String, List<Double>> coldCpu = new LinkedHashMap<>();

  private DnsTestServer dns;
  private HttpTestServer targets;
  private HttpTestServer slowTargets;
  private CloudWatchTestServer cloudWatch;
  private SnsEndpoint sns;
  private DynamoDbTestServer dynamoDb;
  private Path trustStore;
  private Path noopJar;

  private Benchmark(Settings settings) throws IOException {
    this.settings = settings;
    this.work = Path.of("target", "bench");
    this.event = Files.readString(Path.of("events", "scheduled.json"));
    String template = Files.readString(Path.of("template.yaml"));
    Matcher memory = Pattern.compile("(?m)^\\s+MemorySize:\\s*(\\d+)").matcher(template);
    if (!memory.find()) {
      throw new IllegalStateException("template.yaml has no MemorySize");
    }
    this.memoryMb = Integer.parseInt(memory.group(1));
    Matcher tool = Pattern.compile("(?m)^\\s+JAVA_TOOL_OPTIONS:\\s*(.+)$").matcher(template);
    this.javaToolOptions =
        tool.find()
            ? Optional.of(tool.group(1).trim().replaceAll("^\"|\"$", ""))
            : Optional.empty();
  }

  /** What the environment may change; the defaults are the figures. */
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
      String command) {
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
          List.of(env.getOrDefault("BENCH_FUNCTION_JVM_FLAGS", "").split("\\s+")).stream()
              .filter(s -> !s.isBlank())
              .toList(),
          env.getOrDefault("BENCH_COMMAND", "bench/run"));
    }

    private static int integer(Map<String, String> env, String key, int otherwise) {
      String value = env.get(key);
      return value == null || value.isBlank() ? otherwise : Integer.parseInt(value.trim());
    }
  }

  public static void main(String[] args) throws Exception {
    Benchmark bench = new Benchmark(Settings.fromEnvironment(System.getenv()));
    try {
      bench.run();
    } finally {
      bench.close();
    }
  }

  private void run() throws Exception {
    if (!Files.exists(jar) || !Files.isDirectory(runtimeJars)) {
      throw new IllegalStateException("package the function first: ./mvnw package -DskipTests");
    }
    if (settings.coldRuns() < 1 || settings.warmRuns() < 1 || settings.scaleRuns() < 1) {
      throw new IllegalArgumentException(
          "BENCH_COLD_RUNS, BENCH_WARM_RUNS, BENCH_SCALE_RUNS must be >= 1");
    }
    Files.createDirectories(work.resolve("logs"));
    startServers();
    String load0 = loadAverage();
    reference = referenceLatency();
    progress("reference client: slowest target answers in " + fmt(reference) + " ms");

    // 1. Cold starts, floor and function interleaved so that drift hits both alike.
    Launch floor = floorLaunch();
    Launch function = functionLaunch(defaultTargets(targets.port()));
    coldStart(floor);
    coldStart(function);
    List<Double> floorMs = new ArrayList<>();
    List<Double> functionMs = new ArrayList<>();
    for (int i = 0; i < settings.coldRuns(); i++) {
      floorMs.add(coldStart(floor));
      functionMs.add(coldStart(function));
      progress(
          "cold start "
              + (i + 1)
              + "/"
              + settings.coldRuns()
              + ": floor "
              + fmt(floorMs.getLast())
              + " ms, function "
              + fmt(functionMs.getLast())
              + " ms");
    }

    // 2. Warm runs in one process: duration from the event handed out to the report posted.
    Warm warm = warmRuns(function);
    progress("warm: median " + fmt(median(warm.durations())) + " ms");

    // 3. Scale: many slow targets in one warm run.
    Scale scale = scaleRuns();
    progress("scale: median " + fmt(median(scale.durations())) + " ms");

    String load1 = loadAverage();
    print(floorMs, functionMs, warm, scale, load0, load1);
  }

  /** The slowest target's own latency as a reference client sees it, in milliseconds. */
  private double reference;

  /**
   * The floor of a warm run: the slowest target's own latency as curl sees it when, like the
   * checker, it asks every target at once ({@code curl --parallel}: a fresh connect, TLS handshake,
   * request and answer each, the server's handshake work included); median over 15 rounds of the
   * slowest transfer. Without curl, the server's configured delay stands in, and the figure says
   * so.
   */
  private double referenceLatency()
      throws IOException, InterruptedException, java.security.GeneralSecurityException {
    Path ca = work.resolve("ca.pem");
    Files.writeString(
        ca,
        "-----BEGIN CERTIFICATE-----\n"
            + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pki.caCertificate().getEncoded())
            + "\n-----END CERTIFICATE-----\n");
    List<String> command =
        new ArrayList<>(
            List.of(
                "curl",
                "-s",
                "--no-progress-meter",
                "--parallel",
                "--parallel-immediate",
                "--cacert",
                ca.toString()));
    for (String host : List.of(API_HOST, UI_HOST)) {
      command.addAll(
          List.of(
              "--resolve",
              host + ":" + targets.port() + ":127.0.0.1",
              "-o",
              "/dev/null",
              "-w",
              "%{time_total}\\n",
              "https://" + host + ":" + targets.port() + "/api/health"));
    }
    List<Double> slowest = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      Process curl;
      try {
        curl = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      } catch (IOException noCurl) {
        referenceByCurl = false;
        return settings.latencyMillis();
      }
      String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (curl.waitFor() != 0) {
        throw new IOException("curl failed against the target server: " + out);
      }
      slowest.add(
          out.lines()
                  .filter(l -> !l.isBlank())
                  .mapToDouble(l -> Double.parseDouble(l.trim()))
                  .max()
                  .orElseThrow()
              * 1000);
    }
    referenceByCurl = true;
    return median(slowest);
  }

  private boolean referenceByCurl;

  private void startServers() throws Exception {
    dns = open(DnsTestServer.start());
    dns.on(API_HOST).a("127.0.0.1");
    dns.on(UI_HOST).a("127.0.0.1");
    SSLContext tls = TestPki.serverContext(pki.server(90, API_HOST, UI_HOST));
    targets =
        open(
            HttpTestServer.https(
                tls, HttpTestServer.delayed(settings.latencyMillis(), 200, "{\"status\":\"ok\"}")));
    slowTargets =
        open(
            HttpTestServer.https(
                tls,
                HttpTestServer.delayed(settings.scaleLatencyMillis(), 200, "{\"status\":\"ok\"}")));
    cloudWatch = open(CloudWatchTestServer.start());
    sns = open(SnsEndpoint.start());
    dynamoDb = open(DynamoDbTestServer.start().createTable(STATE_TABLE, "target"));
    trustStore = work.resolve("truststore.p12");
    writeTrustStore(trustStore, pki.caCertificate());
    noopJar = work.resolve("noop.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(noopJar));
        InputStream in =
            NoopHandler.class.getResourceAsStream("/" + NOOP_HANDLER_CLASS + ".class")) {
      out.putNextEntry(new JarEntry(NOOP_HANDLER_CLASS + ".class"));
      in.transferTo(out);
      out.closeEntry();
    }
  }

  /**
   * The function's trust store: the JDK's own {@code cacerts} with the benchmark's CA added, stored
   * the way the JDK stores {@code cacerts} (PKCS12 without password or integrity MAC). Loading it
   * then costs what loading the default trust store costs in Lambda: every root parsed, no key
   * derivation for a MAC.
   */
  private static void writeTrustStore(Path path, X509Certificate ca)
      throws IOException, java.security.GeneralSecurityException {
    Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
    KeyStore jdk = KeyStore.getInstance(cacerts.toFile(), (char[]) null);
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (String alias : java.util.Collections.list(jdk.aliases())) {
      store.setCertificateEntry(alias, jdk.getCertificate(alias));
    }
    store.setCertificateEntry("privatelink-health-benchmark-ca", ca);
    System.setProperty("keystore.pkcs12.certProtectionAlgorithm", "NONE");
    System.setProperty("keystore.pkcs12.macAlgorithm", "NONE");
    try (OutputStream out = Files.newOutputStream(path)) {
      store.store(out, new char[0]);
    }
  }

  /** The alert state table, as the default stack has one. */
  private static final String STATE_TABLE = "privatelink-health-state";

  private static final String NOOP_HANDLER_CLASS = "health/privatelink/bench/NoopHandler";

  /** The two default targets, at the benchmark server's port. */
  private static String defaultTargets(int port) {
    return "[{\"name\": \"prefect-api\", \"url\": \"https://"
        + API_HOST
        + ":"
        + port
        + "/api/health\"}, {\"name\": \"prefect-ui\", \"url\": \"https://"
        + UI_HOST
        + ":"
        + port
        + "/private-ui/health\"}]";
  }

  private static String manyTargets(int count, int port) {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < count; i++) {
      String host = i % 2 == 0 ? API_HOST : UI_HOST;
      json.append(i == 0 ? "" : ", ")
          .append(String.format(Locale.ROOT, "{\"name\": \"t%03d\", ", i))
          .append("\"url\": \"https://")
          .append(host)
          .append(':')
          .append(port)
          .append("/health\"}");
    }
    return json.append(']').toString();
  }

  private record Launch(
      String name,
      List<String> classpath,
      String handler,
      Map<String, String> env,
      List<String> extraFlags) {}

  private Launch floorLaunch() throws Exception {
    Path core =
        Path.of(
            RequestStreamHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return new Launch(
        "floor",
        List.of(noopJar.toString(), core.toString(), runtimeJars.resolve("*").toString()),
        NOOP_HANDLER,
        Map.of(),
        List.of());
  }

  private Launch functionLaunch(String targetsJson) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TARGETS", targetsJson);
    env.put("EXPECTED_CIDRS", "127.0.0.0/8");
    env.put("DNS_SERVERS", "127.0.0.1:" + dns.address().getPort());
    env.put("METRICS_MODE", "api");
    env.put("ALERT_TOPIC_ARN", TestAws.TOPIC_ARN);
    env.put("AWS_ENDPOINT_URL_CLOUDWATCH", cloudWatch.endpoint().toString());
    env.put("AWS_ENDPOINT_URL_SNS", sns.uri().toString());
    env.put("STATE_TABLE", STATE_TABLE);
    env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.endpoint().toString());
    javaToolOptions.ifPresent(o -> env.put("JAVA_TOOL_OPTIONS", o));
    // BENCH_FUNCTION_ENV="KEY=value KEY2=value2" tries a setting without editing anything.
    for (String pair : System.getenv().getOrDefault("BENCH_FUNCTION_ENV", "").split("\\s+")) {
      if (pair.contains("=")) {
        env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
      }
    }
    return new Launch(
        "function",
        List.of(jar.toString(), runtimeJars.resolve("*").toString()),
        HANDLER,
        env,
        settings.extraFunctionFlags());
  }

  /**
   * The flags of Lambda's Java runtime at this memory size: heap, metaspace and code cache as
   * fractions of the memory (85, 10, 5 percent), the serial collector, C1 only, class data sharing.
   */
  private List<String> lambdaFlags() {
    long kb = memoryMb * 1024L;
    return List.of(
        "-XX:MaxHeapSize=" + Math.round(kb * 0.85) + "k",
        "-XX:MaxMetaspaceSize=" + Math.round(kb * 0.10) + "k",
        "-XX:ReservedCodeCacheSize=" + Math.round(kb * 0.05) + "k",
        "-XX:+UseSerialGC",
        "-XX:+TieredCompilation",
        "-XX:TieredStopAtLevel=1",
        "-Xshare:auto",
        "-Djava.net.preferIPv4Stack=true");
  }

  private Process start(Launch launch, RuntimeApiServer runtime, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(lambdaFlags());
    command.addAll(launch.extraFlags());
    command.add("-Djavax.net.ssl.trustStore=" + trustStore.toAbsolutePath());
    command.add("-Djavax.net.ssl.trustStoreType=PKCS12");
    command.add("-cp");
    command.add(String.join(File.pathSeparator, launch.classpath()));
    command.add("com.amazonaws.services.lambda.runtime.api.client.AWSLambda");
    command.add(launch.handler());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("BENCH_"));
    environment.remove("JAVA_TOOL_OPTIONS");
    environment.putAll(runtime.functionEnvironment(launch.handler(), memoryMb));
    environment.putAll(launch.env());
    return builder.start();
  }

  private Path newLog(String name) {
    return work.resolve("logs")
        .resolve(String.format(Locale.ROOT, "%03d-%s.log", ++logCounter, name));
  }

  /** JVM start to the first report posted back, in milliseconds. */
  private double coldStart(Launch launch) throws Exception {
    try (RuntimeApiServer runtime = new RuntimeApiServer()) {
      String id = runtime.invoke(event, Duration.ofSeconds(50));
      Path log = newLog(launch.name() + "-cold");
      long t0 = System.nanoTime();
      Process process = start(launch, runtime, log);
      try {
        RuntimeApiServer.Outcome outcome = runtime.await(id, Duration.ofSeconds(60));
        long t1 = System.nanoTime();
        expectHealthy(launch, outcome, log);
        coldCpu.computeIfAbsent(launch.name(), n -> new ArrayList<>()).add(cpuMillis(process));
        return (t1 - t0) / 1e6;
      } finally {
        // A polite stop first, so that flags which write at exit (a CDS archive) get to.
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      }
    }
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
    if (launch.handler().equals(HANDLER)) {
      JsonNode report = JSON.readTree(outcome.body());
      if (!report.get("healthy").asBoolean()) {
        throw new IllegalStateException("the benchmark targets must be healthy: " + report);
      }
    }
  }

  /** What the warm runs measured. */
  private record Warm(
      List<Double> durations,
      List<Double> checks,
      Map<String, List<Double>> phases,
      Memory memory,
      double cpuMsPerRun,
      double logBytesPerRun,
      int metricsPerRun,
      int putCallsPerRun,
      int stateReadsPerRun) {}

  /** What the many-targets runs measured. */
  private record Scale(
      double coldMs,
      List<Double> durations,
      List<Double> checks,
      Map<String, Double> slowestPhases,
      Memory memory,
      double cpuMsPerRun) {}

  /** The process's peak resident set and its heap after the runs. */
  private record Memory(long peakRssKb, long heapCommittedKb, long heapUsedKb) {}

  private Warm warmRuns(Launch function) throws Exception {
    try (RuntimeApiServer runtime = new RuntimeApiServer()) {
      Path log = newLog("function-warm");
      String first = runtime.invoke(event, Duration.ofSeconds(50));
      Process process = start(function, runtime, log);
      try {
        expectHealthy(function, runtime.await(first, Duration.ofSeconds(60)), log);
        for (int i = 0; i < settings.warmups(); i++) {
          invokeTimed(runtime, function, log);
        }
        List<Double> durations = new ArrayList<>();
        List<Double> checks = new ArrayList<>();
        Map<String, List<Double>> phases = new LinkedHashMap<>();
        int putsBefore = cloudWatch.putMetricDataCalls().size();
        int readsBefore = dynamoDb.requests("BatchGetItem").size();
        long logBefore = Files.size(log);
        double cpuBefore = cpuMillis(process);
        for (int i = 0; i < settings.warmRuns(); i++) {
          Timed timed = invokeTimed(runtime, function, log);
          durations.add(timed.millis());
          Files.writeString(work.resolve("last-warm-report.json"), timed.report().toPrettyString());
          checks.add(timed.report().get("durationMs").asDouble());
          JsonNode timings = timed.report().get("results").get(0).get("timings");
          for (String phase : PHASES) {
            phases
                .computeIfAbsent(phase, p -> new ArrayList<>())
                .add(timings.get(phase).asDouble());
          }
        }
        long logBytes = Files.size(log) - logBefore;
        double cpuPerRun = (cpuMillis(process) - cpuBefore) / settings.warmRuns();
        var puts = cloudWatch.putMetricDataCalls();
        // Distinct metrics of the last call; none when a tried setting sends no PutMetricData.
        Set<String> metrics = new HashSet<>();
        if (!puts.isEmpty()) {
          for (var datum : puts.getLast().metricData()) {
            metrics.add(datum.name() + datum.dimensions());
          }
        }
        return new Warm(
            durations,
            checks,
            phases,
            memory(process),
            cpuPerRun,
            (double) logBytes / settings.warmRuns(),
            metrics.size(),
            (int) Math.round((double) (puts.size() - putsBefore) / settings.warmRuns()),
            (int)
                Math.round(
                    (double) (dynamoDb.requests("BatchGetItem").size() - readsBefore)
                        / settings.warmRuns()));
      } finally {
        process.destroyForcibly().waitFor();
      }
    }
  }

  private Scale scaleRuns() throws Exception {
    Launch function = functionLaunch(manyTargets(settings.scaleTargets(), slowTargets.port()));
    try (RuntimeApiServer runtime = new RuntimeApiServer()) {
      Path log = newLog("function-scale");
      String first = runtime.invoke(event, Duration.ofSeconds(50));
      long t0 = System.nanoTime();
      Process process = start(function, runtime, log);
      try {
        RuntimeApiServer.Outcome outcome = runtime.await(first, Duration.ofSeconds(60));
        double cold = (System.nanoTime() - t0) / 1e6;
        expectHealthy(function, outcome, log);
        // A warm environment checking 200 targets has run that check before: warm up with it.
        for (int i = 0; i < settings.scaleWarmups(); i++) {
          invokeTimed(runtime, function, log);
        }
        List<Double> durations = new ArrayList<>();
        List<Double> checks = new ArrayList<>();
        Map<String, Double> slowestPhases = new LinkedHashMap<>();
        double cpuBefore = cpuMillis(process);
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
        double cpuPerRun = (cpuMillis(process) - cpuBefore) / settings.scaleRuns();
        return new Scale(cold, durations, checks, slowestPhases, memory(process), cpuPerRun);
      } finally {
        process.destroyForcibly().waitFor();
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
    String id = runtime.invoke(event, Duration.ofSeconds(50));
    RuntimeApiServer.Outcome outcome = runtime.await(id, Duration.ofSeconds(60));
    long t1 = System.nanoTime();
    expectHealthy(launch, outcome, log);
    return new Timed((t1 - t0) / 1e6, JSON.readTree(outcome.body()));
  }

  /** User plus system CPU time the process has used so far, in milliseconds (100 ticks/s). */
  private static double cpuMillis(Process process) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // After the command name: state is field 3, utime field 14 and stime field 15.
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10.0;
  }

  private static Memory memory(Process process) throws Exception {
    long hwm = 0;
    for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        hwm = Long.parseLong(line.replaceAll("\\D+", ""));
      }
    }
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process info =
        new ProcessBuilder(jcmd, String.valueOf(process.pid()), "GC.heap_info")
            .redirectErrorStream(true)
            .start();
    String text = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    info.waitFor();
    long committed = 0;
    long used = 0;
    Matcher m =
        Pattern.compile(
                "(?m)^\\s*(?:def new generation|tenured generation|DefNew|Tenured)\\s+total (\\d+)K, used (\\d+)K")
            .matcher(text);
    while (m.find()) {
      committed += Long.parseLong(m.group(1));
      used += Long.parseLong(m.group(2));
    }
    return new Memory(hwm, committed, used);
  }

  // ---------------------------------------------------------------- report

  private void print(
      List<Double> floorMs,
      List<Double> functionMs,
      Warm warm,
      Scale scale,
      String load0,
      String load1)
      throws IOException {
    double floor = median(floorMs);
    double cold = median(functionMs);
    double ratio = cold / floor;
    double warmMedian = median(warm.durations());
    double warmP90 = percentile(warm.durations(), 90);
    double overhead = warmMedian - reference;
    double overheadP90 = warmP90 - reference;
    double scaleMedian = median(scale.durations());
    long scaleRssMb = Math.round(scale.memory().peakRssKb() / 1024.0);
    long jarBytes = Files.size(jar);

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
        referenceByCurl
            ? "Slowest target's own latency: curl asking both targets at once, fresh connections"
                + " and TLS handshakes, answer after "
                + settings.latencyMillis()
                + " ms (median of 15)"
            : "Slowest target's own latency (curl not found: the server's delay stands in)",
        fmt(reference) + " ms",
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
        "CPU time (user + system) of the process: cold start floor / function (median); warm run; scale run",
        fmt(median(coldCpu.get("floor")))
            + " / "
            + fmt(median(coldCpu.get("function")))
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
    StringBuilder phaseText = new StringBuilder();
    warm.phases()
        .forEach((phase, values) ->
            phaseText
                .append(phaseText.isEmpty() ? "" : ", ")
                .append(phase.replace("Ms", ""))
                .append(" ")
                .append(fmt(median(values))));
    row(out, "Warm run, first target's phases (median, ms)", phaseText.toString(), "", "");
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
                .collect(java.util.stream.Collectors.joining(", ")),
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
    row(out, "MemorySize in template.yaml", memoryMb + " MB", "", "");
    out.append(costTable(cold, warmMedian, warm));
    out.append(memoryTable(warm, scale));
    out.append("\n## Machine\n\n");
    out.append("- CPU: ")
        .append(cpuModel())
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores (nproc)\n");
    out.append("- memory: ").append(memTotal()).append('\n');
    out.append("- JDK: ")
        .append(System.getProperty("java.vm.vendor"))
        .append(' ')
        .append(System.getProperty("java.runtime.version"))
        .append(" (")
        .append(System.getProperty("java.home"))
        .append(")\n");
    out.append("- function JVM flags: ")
        .append(String.join(" ", lambdaFlags()))
        .append(
            settings.extraFunctionFlags().isEmpty()
                ? ""
                : " " + String.join(" ", settings.extraFunctionFlags()))
        .append(javaToolOptions.map(o -> "; JAVA_TOOL_OPTIONS=" + o).orElse(""))
        .append('\n');
    out.append("- load average (1, 5, 15 min): ")
        .append(load0)
        .append(" at the start, ")
        .append(load1)
        .append(" at the end\n");
    out.append(
        "- targets on 127.0.0.1 at the HTTPS server's own port, names resolved by a loopback"
            + " DNS server; metrics by PutMetricData to a loopback CloudWatch; alert state in a"
            + " loopback DynamoDB table (BatchGetItem every run), alerts to a loopback SNS\n");
    out.append("- command: `").append(settings.command()).append("`\n");
    System.out.print(out);
    Files.writeString(work.resolve("results.md"), out);
  }

  private String costTable(double coldMs, double warmMs, Warm warm) {
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
    int alarms = 3;
    double alarmCost = alarms * ALARM_MONTH;
    double logs = RUNS_PER_MONTH * warm.logBytesPerRun() / 1e9 * LOG_INGEST_GB;
    double stateReads = RUNS_PER_MONTH * 2.0 * DYNAMODB_READ_UNIT;
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
    double canaries = 2.0 * RUNS_PER_MONTH * CANARY_RUN;

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
        String.valueOf(alarms),
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
        String.format(Locale.ROOT, "%,d", RUNS_PER_MONTH * 2),
        stateReads);
    out.append("| **privatelink-health stack** | | | **")
        .append(String.format(Locale.ROOT, "%.2f", total))
        .append("** |\n");
    out.append("| CloudWatch Synthetics: 1 canary per target, every minute | $0.0012 per run | ")
        .append(String.format(Locale.ROOT, "%,d", 2 * RUNS_PER_MONTH))
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
  private String memoryTable(Warm warm, Scale scale) {
    double coldCpuMs = median(coldCpu.get("function"));
    StringBuilder out = new StringBuilder();
    out.append(
        "\n## Memory size: CPU share and fit (estimate from the CPU time measured here)\n\n");
    out.append("| MemorySize | vCPU share | warm run: CPU part | cold start: CPU part | ")
        .append(settings.scaleTargets())
        .append(" targets: CPU part | peak RSS (")
        .append(mb(scale.memory().peakRssKb()))
        .append(") fits | warm compute USD/month |\n|---|---|---|---|---|---|---|\n");
    for (int size : List.of(256, 512, 1024, 1769)) {
      double share = Math.min(1.0, size / 1769.0);
      double warmMs = settings.latencyMillis() + warm.cpuMsPerRun() / share;
      double usd =
          RUNS_PER_MONTH * Math.ceil(warmMs) / 1000.0 * size / 1024.0 * LAMBDA_ARM_GB_SECOND;
      out.append(
          String.format(
              Locale.ROOT,
              "| %d MB%s | %.2f | %.0f ms | %.0f ms | %.0f ms | %s | %.2f |%n",
              size,
              size == memoryMb ? " (template)" : "",
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
    out.append("| ")
        .append(item)
        .append(" | ")
        .append(price)
        .append(" | ")
        .append(qty)
        .append(" | ")
        .append(String.format(Locale.ROOT, "%.2f", usd))
        .append(" |\n");
  }

  private static void row(StringBuilder out, String figure, String value, String goal, String met) {
    out.append("| ")
        .append(figure)
        .append(" | ")
        .append(value)
        .append(" | ")
        .append(goal)
        .append(" | ")
        .append(met)
        .append(" |\n");
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse(System.getProperty("os.arch"));
    } catch (IOException e) {
      return System.getProperty("os.arch");
    }
  }

  private static String memTotal() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream()
          .filter(l -> l.startsWith("MemTotal"))
          .map(l -> mb(Long.parseLong(l.replaceAll("\\D+", ""))))
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String mb(long kb) {
    return Math.round(kb / 1024.0) + " MB";
  }

  private static double median(List<Double> values) {
    return percentile(values, 50);
  }

  /** Nearest-rank percentile. */
  private static double percentile(List<Double> values, int p) {
    List<Double> sorted = values.stream().sorted().toList();
    if (p == 50 && sorted.size() % 2 == 0) {
      return (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  private static String range(List<Double> values) {
    return "["
        + fmt(values.stream().mapToDouble(Double::doubleValue).min().orElse(0))
        + "-"
        + fmt(values.stream().mapToDouble(Double::doubleValue).max().orElse(0))
        + "]";
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%.0f", value);
  }

  private static void progress(String line) {
    System.err.println("bench: " + line);
  }

  private <T extends AutoCloseable> T open(T resource) {
    open.add(resource);
    return resource;
  }

  private void close() {
    for (AutoCloseable c : open.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        // Shutting down anyway.
      }
    }
  }
}
