package health.privatelink.testing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * A CloudWatch endpoint on 127.0.0.1 for the real SDK client: it decodes PutMetricData and
 * GetMetricData as the SDK sends them (Smithy RPC v2 CBOR, {@code POST
 * /service/GraniteServiceVersion20100801/operation/...}, gzipped when large), records every
 * request, and answers as scripted: success, a 500, throttling, or never. GetMetricData answers
 * from the series given to {@link #series}. A body it cannot decode fails the test through {@link
 * #requests()}.
 */
public final class CloudWatchTestServer implements AutoCloseable {
  /** The path the SDK posts PutMetricData to under RPC v2. */
  public static final String PUT_METRIC_DATA_PATH =
      "/service/GraniteServiceVersion20100801/operation/PutMetricData";

  /** The path the SDK posts GetMetricData to under RPC v2. */
  public static final String GET_METRIC_DATA_PATH =
      "/service/GraniteServiceVersion20100801/operation/GetMetricData";

  private static final CBORFactory CBOR = new CBORFactory();

  /** How the server answers one request. */
  public enum Reply {
    /** 200 with an empty CBOR object, as CloudWatch answers PutMetricData. */
    OK,
    /** 500 InternalServiceFault. */
    SERVER_ERROR,
    /** 400 Throttling, CloudWatch's rate limit. */
    THROTTLING,
    /** Reads the request and never answers, until the server closes. */
    HANG
  }

  /**
   * One request as it arrived.
   *
   * @param method the HTTP method
   * @param path the request path
   * @param headers by lower-case name
   * @param body the decoded CBOR body: maps, lists, strings, numbers, and {@link Instant} for
   *     values tagged as epoch time
   */
  public record Request(
      String method, String path, Map<String, List<String>> headers, Object body) {

    /** The first value of a header, or null. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** The body read as a PutMetricData input. */
    public PutMetricData putMetricData() {
      return PutMetricData.from(body);
    }
  }

  /** A decoded PutMetricData input. */
  public record PutMetricData(String namespace, List<Datum> metricData) {
    @SuppressWarnings("unchecked")
    static PutMetricData from(Object body) {
      Map<String, Object> input = (Map<String, Object>) body;
      List<Datum> data = new ArrayList<>();
      for (Object item : (List<Object>) input.get("MetricData")) {
        Map<String, Object> datum = (Map<String, Object>) item;
        Map<String, String> dimensions = new LinkedHashMap<>();
        for (Object d : (List<Object>) datum.getOrDefault("Dimensions", List.of())) {
          Map<String, Object> dimension = (Map<String, Object>) d;
          dimensions.put((String) dimension.get("Name"), (String) dimension.get("Value"));
        }
        data.add(
            new Datum(
                (String) datum.get("MetricName"),
                dimensions,
                (String) datum.get("Unit"),
                ((Number) datum.get("Value")).doubleValue(),
                (Instant) datum.get("Timestamp")));
      }
      return new PutMetricData((String) input.get("Namespace"), data);
    }
  }

  /**
   * One MetricDatum.
   *
   * @param timestamp null when the datum carried none
   */
  public record Datum(
      String name, Map<String, String> dimensions, String unit, double value, Instant timestamp) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final Deque<Reply> script = new ArrayDeque<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private Reply otherwise = Reply.OK;
  private final List<Series> series = new CopyOnWriteArrayList<>();

  /** A stored metric's data points, as GetMetricData returns them for a query naming it exactly. */
  private record Series(
      String namespace,
      String metricName,
      Map<String, String> dimensions,
      List<Instant> timestamps,
      List<Double> values) {}

  private CloudWatchTestServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Starts a server on a free port of 127.0.0.1, answering {@link Reply#OK}. */
  public static CloudWatchTestServer start() {
    try {
      return new CloudWatchTestServer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The endpoint to give the client's {@code endpointOverride}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * Stores data points of one metric: a GetMetricData query for this namespace, name and exactly
   * these dimensions answers them (all of them, whatever its period and statistic: the points are
   * taken as already aggregated).
   */
  public CloudWatchTestServer series(
      String namespace,
      String metricName,
      Map<String, String> dimensions,
      List<Instant> timestamps,
      List<Double> values) {
    series.add(
        new Series(
            namespace,
            metricName,
            Map.copyOf(dimensions),
            List.copyOf(timestamps),
            List.copyOf(values)));
    return this;
  }

  /** Answers every request not scripted by {@link #replyNext} this way. */
  public synchronized CloudWatchTestServer replyAlways(Reply reply) {
    otherwise = reply;
    return this;
  }

  /** Answers the next requests in this order, then as {@link #replyAlways} says. */
  public synchronized CloudWatchTestServer replyNext(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  /**
   * Every request so far, in the order they arrived.
   *
   * @throws AssertionError when a request could not be decoded
   */
  public List<Request> requests() {
    if (!failures.isEmpty()) {
      throw new AssertionError("the test server could not decode a request", failures.getFirst());
    }
    return List.copyOf(requests);
  }

  /** Forgets the requests recorded so far, so that a long test does not keep them all. */
  public void forgetRequests() {
    requests.clear();
  }

  /** The PutMetricData inputs so far, in order. */
  public List<PutMetricData> putMetricDataCalls() {
    return requests().stream()
        .filter(r -> r.path().equals(PUT_METRIC_DATA_PATH))
        .map(Request::putMetricData)
        .toList();
  }

  private synchronized Reply nextReply() {
    Reply next = script.pollFirst();
    return next == null ? otherwise : next;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Request request;
      try {
        request = read(exchange);
      } catch (IOException | RuntimeException e) {
        // Kept for requests(), so a body the server cannot decode fails the test that sent it.
        failures.add(e);
        send(exchange, 400, Map.of(), Map.of("__type", "SerializationException"));
        return;
      }
      requests.add(request);
      switch (nextReply()) {
        case OK -> {
          if (request.path().equals(GET_METRIC_DATA_PATH)) {
            sendMetricData(exchange, request.body());
          } else {
            send(exchange, 200, Map.of(), Map.of());
          }
        }
        case SERVER_ERROR ->
            send(
                exchange,
                500,
                Map.of("x-amzn-query-error", "InternalServiceError;Receiver"),
                Map.of(
                    "__type", "com.amazonaws.cloudwatch#InternalServiceFault",
                    "message", "Internal service error from the test server"));
        case THROTTLING ->
            send(
                exchange,
                400,
                Map.of("x-amzn-query-error", "Throttling;Sender"),
                Map.of(
                    "__type", "com.amazon.coral.availability#ThrottlingException",
                    "message", "Rate exceeded"));
        case HANG -> {
          // Holds the connection open without a byte of answer; bounded so a forgotten server
          // cannot keep a thread forever.
          if (!closing.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("test server held a request for 60 s");
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Request read(HttpExchange exchange) throws IOException {
    byte[] bytes = exchange.getRequestBody().readAllBytes();
    Map<String, List<String>> headers = new TreeMap<>();
    exchange
        .getRequestHeaders()
        .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
    if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
      // PutMetricData carries the requestCompression trait: the SDK gzips bodies of 10 KiB and
      // more.
      try (InputStream gzip = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
        bytes = gzip.readAllBytes();
      }
    }
    return new Request(
        exchange.getRequestMethod(),
        exchange.getRequestURI().getPath(),
        headers,
        bytes.length == 0 ? null : decode(bytes));
  }

  private static void send(
      HttpExchange exchange, int status, Map<String, String> headers, Map<String, String> body)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (CBORGenerator cbor = CBOR.createGenerator(bytes)) {
      cbor.writeStartObject();
      for (Map.Entry<String, String> field : body.entrySet()) {
        cbor.writeStringField(field.getKey(), field.getValue());
      }
      cbor.writeEndObject();
    }
    exchange.getResponseHeaders().set("Content-Type", "application/cbor");
    exchange.getResponseHeaders().set("smithy-protocol", "rpc-v2-cbor");
    headers.forEach(exchange.getResponseHeaders()::set);
    exchange.sendResponseHeaders(status, bytes.size());
    exchange.getResponseBody().write(bytes.toByteArray());
  }

  /** GetMetricData's answer: one result per query, with the stored series it names, if any. */
  @SuppressWarnings("unchecked")
  private void sendMetricData(HttpExchange exchange, Object body) throws IOException {
    Map<String, Object> input = (Map<String, Object>) body;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (CBORGenerator cbor = CBOR.createGenerator(bytes)) {
      cbor.writeStartObject();
      cbor.writeArrayFieldStart("MetricDataResults");
      for (Object q : (List<Object>) input.get("MetricDataQueries")) {
        Map<String, Object> query = (Map<String, Object>) q;
        Map<String, Object> stat = (Map<String, Object>) query.get("MetricStat");
        Map<String, Object> metric = (Map<String, Object>) stat.get("Metric");
        Map<String, String> dimensions = new LinkedHashMap<>();
        for (Object d : (List<Object>) metric.getOrDefault("Dimensions", List.of())) {
          Map<String, Object> dimension = (Map<String, Object>) d;
          dimensions.put((String) dimension.get("Name"), (String) dimension.get("Value"));
        }
        Optional<Series> found =
            series.stream()
                .filter(x ->
                    x.namespace().equals(metric.get("Namespace"))
                        && x.metricName().equals(metric.get("MetricName"))
                        && x.dimensions().equals(dimensions))
                .findFirst();
        cbor.writeStartObject();
        cbor.writeStringField("Id", (String) query.get("Id"));
        cbor.writeStringField("Label", (String) metric.get("MetricName"));
        cbor.writeArrayFieldStart("Timestamps");
        for (Instant t : found.map(Series::timestamps).orElse(List.of())) {
          cbor.writeTag(1);
          cbor.writeNumber(t.getEpochSecond());
        }
        cbor.writeEndArray();
        cbor.writeArrayFieldStart("Values");
        for (double v : found.map(Series::values).orElse(List.of())) {
          cbor.writeNumber(v);
        }
        cbor.writeEndArray();
        cbor.writeStringField("StatusCode", "Complete");
        cbor.writeEndObject();
      }
      cbor.writeEndArray();
      cbor.writeEndObject();
    }
    exchange.getResponseHeaders().set("Content-Type", "application/cbor");
    exchange.getResponseHeaders().set("smithy-protocol", "rpc-v2-cbor");
    exchange.sendResponseHeaders(200, bytes.size());
    exchange.getResponseBody().write(bytes.toByteArray());
  }

  /** Decodes one CBOR value into plain Java values; tag 1 (epoch time) becomes an Instant. */
  static Object decode(byte[] bytes) {
    try (CBORParser parser = CBOR.createParser(bytes)) {
      return read(parser, parser.nextToken());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object read(CBORParser parser, JsonToken token) throws IOException {
    int tag = parser.getCurrentTag();
    Object value =
        switch (token) {
          case START_OBJECT -> {
            Map<String, Object> object = new LinkedHashMap<>();
            for (JsonToken t = parser.nextToken();
                t != JsonToken.END_OBJECT;
                t = parser.nextToken()) {
              String key = parser.currentName();
              object.put(key, read(parser, parser.nextToken()));
            }
            yield object;
          }
          case START_ARRAY -> {
            List<Object> array = new ArrayList<>();
            for (JsonToken t = parser.nextToken();
                t != JsonToken.END_ARRAY;
                t = parser.nextToken()) {
              array.add(read(parser, t));
            }
            yield array;
          }
          case VALUE_STRING -> parser.getText();
          case VALUE_NUMBER_INT ->
              parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                  ? parser.getBigIntegerValue()
                  : (Object) parser.getLongValue();
          case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
          case VALUE_TRUE -> Boolean.TRUE;
          case VALUE_FALSE -> Boolean.FALSE;
          case VALUE_NULL -> null;
          case VALUE_EMBEDDED_OBJECT -> parser.getBinaryValue();
          case END_OBJECT, END_ARRAY, FIELD_NAME, NOT_AVAILABLE ->
              throw new IOException("unexpected CBOR token " + token);
        };
    if (tag == 1 && value instanceof Number seconds) {
      // Epoch seconds, integral or fractional; CloudWatch keeps milliseconds.
      return Instant.ofEpochMilli(Math.round(seconds.doubleValue() * 1000));
    }
    return value;
  }

  /** Releases held requests and stops the server. */
  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
