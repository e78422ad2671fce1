package health.privatelink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged function as Lambda runs it: the AWS Lambda Runtime Interface Emulator (AWS's own
 * Runtime API, the one inside SAM's local invoke images) starts {@code
 * target/privatelink-health.jar} under the real runtime interface client, as the java21 runtime's
 * bootstrap does, and takes invocations on loopback. Starting fails, never skips, when the emulator
 * is missing: {@code .ci/run} installs it.
 */
public final class LambdaEmulator implements AutoCloseable {
  /** The version {@code .ci/run} installs. */
  public static final String RIE_MODULE =
      "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"
          + "@v0.0.0-20261030222936-bef5c4ba774d";

  public static final String HANDLER = "health.privatelink.lambda.Handler::handleRequest";
  public static final String FUNCTION_NAME = "privatelink-health-it";
  public static final String REGION = "us-east-1";

  /** What the emulator answered to one invocation, and how long it took. */
  public record Answer(int status, String body, Duration took) {
    /**
     * A function error: the runtime posted an error instead of a response, which the emulator
     * answers as Lambda does, {@code {"errorMessage": ..., "errorType": ...}}.
     */
    public boolean functionError() {
      try {
        JsonNode answer = new ObjectMapper().readTree(body);
        return answer != null && answer.has("errorMessage") && answer.has("errorType");
      } catch (IOException notJson) {
        return false;
      }
    }
  }

  private final Process process;
  private final Path log;
  private final URI invocations;
  private final HttpClient http = HttpClient.newHttpClient();

  private LambdaEmulator(Process process, Path log, URI invocations) {
    this.process = process;
    this.log = log;
    this.invocations = invocations;
  }

  /** The emulator's binary: {@code PRIVATELINK_RIE}, else where {@code go install} puts it. */
  public static Path binary() {
    String configured = System.getenv("PRIVATELINK_RIE");
    Path path =
        configured != null && !configured.isBlank()
            ? Path.of(configured)
            : Path.of(System.getProperty("user.home"), "go", "bin", "aws-lambda-rie");
    if (!Files.isExecutable(path)) {
      throw new IllegalStateException(
          "the AWS Lambda Runtime Interface Emulator is not at "
              + path
              + " (set PRIVATELINK_RIE, or install it as .ci/run does: go install "
              + RIE_MODULE
              + ")");
    }
    return path;
  }

  /**
   * Starts the emulator with the packaged function, configured by {@code env} (the function's own
   * variables and the AWS SDK's endpoint overrides; they replace the defaults set here), with the
   * given function timeout. The emulator counts the init into the first invocation's timeout, which
   * Lambda does not: callers give the timeout room for a cold start, or warm the function up before
   * timing an invocation.
   */
  public static LambdaEmulator start(
      Map<String, String> env, int timeoutSeconds, KeyStore trustStore, Path temp)
      throws IOException {
    Path rie = binary();
    Path jar = Path.of("target", "privatelink-health.jar").toAbsolutePath();
    Path runtimeJars = Path.of("target", "lambda-runtime").toAbsolutePath();
    if (!Files.exists(jar) || !Files.isDirectory(runtimeJars)) {
      throw new IllegalStateException(
          "package the function first (mvn verify does): " + jar + ", " + runtimeJars);
    }
    Path trustFile = Files.createTempFile(temp, "truststore", ".p12");
    try (OutputStream out = Files.newOutputStream(trustFile)) {
      trustStore.store(out, "changeit".toCharArray());
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("cannot write the trust store", e);
    }
    int emulatorPort = freePort();
    int runtimeApiPort = freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(rie.toString());
    // Loopback only: by default the emulator listens on 0.0.0.0:8080 and the Runtime API on 9001.
    command.add("--runtime-interface-emulator-address");
    command.add("127.0.0.1:" + emulatorPort);
    command.add("--runtime-api-address");
    command.add("127.0.0.1:" + runtimeApiPort);
    // The bootstrap, as the java21 runtime runs it: the function's jar and the runtime interface
    // client on the class path, the handler last (the emulator reads it from there).
    command.addAll(
        List.of(
            java,
            "-XX:+TieredCompilation",
            "-XX:TieredStopAtLevel=1",
            "--enable-native-access=ALL-UNNAMED",
            "-Djavax.net.ssl.trustStore=" + trustFile,
            "-Djavax.net.ssl.trustStorePassword=changeit",
            "-Djavax.net.ssl.trustStoreType=" + KeyStore.getDefaultType(),
            "-cp",
            jar + File.pathSeparator + runtimeJars.resolve("*"),
            "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
            HANDLER));
    Path log = Files.createTempFile(temp, "function", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> environment = builder.environment();
    // Nothing of the caller's AWS setup reaches the function: no real credentials, no real region.
    environment.keySet().removeIf(k -> k.startsWith("AWS_") || k.equals("_HANDLER"));
    environment.putAll(functionEnvironment(timeoutSeconds));
    environment.putAll(env);
    Process process = builder.start();
    LambdaEmulator emulator =
        new LambdaEmulator(
            process,
            log,
            URI.create(
                "http://127.0.0.1:" + emulatorPort + "/2015-03-31/functions/function/invocations"));
    emulator.awaitListening(emulatorPort);
    return emulator;
  }

  /** What Lambda sets for a function, as the emulator passes it on to the runtime. */
  private static Map<String, String> functionEnvironment(int timeoutSeconds) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_LAMBDA_FUNCTION_NAME", FUNCTION_NAME);
    env.put("AWS_LAMBDA_FUNCTION_TIMEOUT", Integer.toString(timeoutSeconds));
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
    env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/privatelink-health/" + FUNCTION_NAME);
    env.put("AWS_REGION", REGION);
    env.put("AWS_DEFAULT_REGION", REGION);
    env.put("AWS_ACCESS_KEY_ID", "testing");
    env.put("AWS_SECRET_ACCESS_KEY", "testing");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("LOG_LEVEL", "info");
    return env;
  }

  /** Sends one invocation and waits for the answer, at most {@code wait}. */
  public Answer invoke(String event, Duration wait) throws IOException, InterruptedException {
    long start = System.nanoTime();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(invocations)
                .timeout(wait)
                .POST(HttpRequest.BodyPublishers.ofString(event, StandardCharsets.UTF_8))
                .build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Answer(
        response.statusCode(), response.body(), Duration.ofNanos(System.nanoTime() - start));
  }

  /** Everything the emulator and the function wrote so far. */
  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  private void awaitListening(int port) throws IOException {
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < until) {
      if (!process.isAlive()) {
        throw new IOException("the emulator exited with " + process.exitValue() + ":\n" + output());
      }
      try {
        new java.net.Socket(InetAddress.getLoopbackAddress(), port).close();
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while the emulator started", e);
        }
      }
    }
    close();
    throw new IOException("the emulator did not listen on port " + port + ":\n" + output());
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  @Override
  public void close() {
    // The emulator ends the function's process when it stops; the function is ended here too in
    // case the emulator itself had to be killed.
    List<ProcessHandle> children = process.descendants().toList();
    Processes.stop(process);
    children.forEach(ProcessHandle::destroyForcibly);
    http.close();
  }
}
