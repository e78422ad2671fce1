package health.privatelink.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Lambda Runtime API on 127.0.0.1, as the Lambda service serves it to a runtime: hands out
 * queued events on {@code next} and records what the runtime posts back, so the real runtime
 * interface client can run the packaged handler in a test. The whole-function tests run under AWS's
 * own Runtime API instead ({@link LambdaEmulator}); this one stays for the benchmark, which times
 * each phase of the runtime's calls, and for tests that must script the API misbehaving.
 */
public final class RuntimeApiServer implements AutoCloseable {
  private static final String PREFIX = "/2018-06-01/runtime/";

  /** What the runtime answered for one invocation. */
  public record Outcome(String requestId, boolean error, String body, String errorType) {}

  private record Invocation(String requestId, String event, long deadlineMs) {}

  private final HttpServer server;
  private final BlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
  private final Map<String, BlockingQueue<Outcome>> outcomes = new ConcurrentHashMap<>();
  private final BlockingQueue<String> initErrors = new LinkedBlockingQueue<>();

  public RuntimeApiServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(PREFIX, this::handle);
    server.start();
  }

  /** The value for {@code AWS_LAMBDA_RUNTIME_API}. */
  public String hostAndPort() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * The environment Lambda gives a function process, pointed at this server: the Runtime API
   * address, the handler, the function's name, version, memory size and log names, a region and
   * test credentials, and no instance metadata lookups. Callers remove the caller's own {@code
   * AWS_*} variables first and add the function's configuration after.
   */
  public Map<String, String> functionEnvironment(String handler, int memoryMb) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_LAMBDA_RUNTIME_API", hostAndPort());
    env.put("_HANDLER", handler);
    env.put("AWS_LAMBDA_FUNCTION_NAME", "privatelink-health");
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(memoryMb));
    env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/privatelink-health");
    env.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/24/[$LATEST]0123456789abcdef");
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "testing");
    env.put("AWS_SECRET_ACCESS_KEY", "testing");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    return env;
  }

  /** Queues one invocation with the given timeout; returns its request id. */
  public String invoke(String eventJson, Duration timeout) {
    String id = UUID.randomUUID().toString();
    outcomes.put(id, new LinkedBlockingQueue<>());
    pending.add(new Invocation(id, eventJson, System.currentTimeMillis() + timeout.toMillis()));
    return id;
  }

  /** Waits for the runtime's answer to an invocation; null when none came in time. */
  public Outcome await(String requestId, Duration wait) throws InterruptedException {
    return outcomes.get(requestId).poll(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits for an init error report; null when none came in time. */
  public String awaitInitError(Duration wait) throws InterruptedException {
    return initErrors.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (path.equals("invocation/next") && exchange.getRequestMethod().equals("GET")) {
        Invocation next = pending.take();
        var headers = exchange.getResponseHeaders();
        headers.add("Lambda-Runtime-Aws-Request-Id", next.requestId());
        headers.add("Lambda-Runtime-Deadline-Ms", String.valueOf(next.deadlineMs()));
        headers.add(
            "Lambda-Runtime-Invoked-Function-Arn",
            "arn:aws:lambda:us-east-1:123456789012:function:privatelink-health");
        headers.add("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793");
        // The native client of the runtime interface client needs a Content-Type.
        headers.add("Content-Type", "application/json");
        reply(exchange, 200, next.event());
      } else if (path.equals("init/error")) {
        initErrors.add(body);
        reply(exchange, 202, "{}");
      } else if (path.startsWith("invocation/") && path.endsWith("/response")) {
        String id = path.substring("invocation/".length(), path.length() - "/response".length());
        outcomes.get(id).add(new Outcome(id, false, body, null));
        reply(exchange, 202, "{}");
      } else if (path.startsWith("invocation/") && path.endsWith("/error")) {
        String id = path.substring("invocation/".length(), path.length() - "/error".length());
        String type = exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type");
        outcomes.get(id).add(new Outcome(id, true, body, type));
        reply(exchange, 202, "{}");
      } else {
        reply(exchange, 404, "{\"errorMessage\":\"unknown path " + path + "\"}");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.close();
    }
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
