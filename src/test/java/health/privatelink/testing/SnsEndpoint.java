package health.privatelink.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SNS endpoint on loopback speaking the query protocol (form-encoded POST, XML answer) to the
 * real SDK client. It records every request's decoded form and answers as told: published, HTTP 500
 * for the first {@code n} requests, or never.
 */
public final class SnsEndpoint implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile boolean hang;

  private SnsEndpoint(HttpServer server) {
    this.server = server;
  }

  public static SnsEndpoint start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    SnsEndpoint endpoint = new SnsEndpoint(server);
    server.createContext("/", endpoint::handle);
    server.setExecutor(endpoint.executor);
    server.start();
    return endpoint;
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The next {@code count} requests get HTTP 500 InternalError. */
  public void failNext(int count) {
    failuresLeft.set(count);
  }

  /** Requests from now on are read and never answered. */
  public void hang() {
    hang = true;
  }

  /** Every request's decoded form, in arrival order (failed attempts included). */
  public List<Map<String, String>> requests() {
    return List.copyOf(requests);
  }

  /** The requests that were answered as published. */
  public List<Map<String, String>> published() {
    return requests.stream().filter(r -> "published".equals(r.get("_outcome"))).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> form = decode(body);
    if (hang) {
      form.put("_outcome", "hung");
      requests.add(form);
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
      return;
    }
    if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      form.put("_outcome", "failed");
      requests.add(form);
      respond(
          exchange,
          500,
          "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error>"
              + "<Type>Receiver</Type><Code>InternalError</Code><Message>test failure</Message>"
              + "</Error><RequestId>"
              + UUID.randomUUID()
              + "</RequestId></ErrorResponse>");
      return;
    }
    form.put("_outcome", "published");
    requests.add(form);
    respond(
        exchange,
        200,
        "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult>"
            + "<MessageId>"
            + UUID.randomUUID()
            + "</MessageId></PublishResult><ResponseMetadata><RequestId>"
            + UUID.randomUUID()
            + "</RequestId></ResponseMetadata></PublishResponse>");
  }

  private static void respond(HttpExchange exchange, int status, String xml) throws IOException {
    byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/xml");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> decode(String form) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String pair : form.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      fields.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return fields;
  }

  /** The message attributes of one request: name to {@code [DataType, StringValue]}. */
  public static Map<String, List<String>> attributes(Map<String, String> form) {
    Map<String, List<String>> attributes = new LinkedHashMap<>();
    for (int i = 1; form.containsKey("MessageAttributes.entry." + i + ".Name"); i++) {
      String prefix = "MessageAttributes.entry." + i + ".";
      attributes.put(
          form.get(prefix + "Name"),
          List.of(form.get(prefix + "Value.DataType"), form.get(prefix + "Value.StringValue")));
    }
    return attributes;
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
