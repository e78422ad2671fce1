package health.privatelink.testing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A CloudWatch endpoint on 127.0.0.1 for the real SDK client: it decodes PutMetricData as the SDK
 * sends it (Smithy RPC v2 CBOR, {@code POST /service/GraniteServiceVersion20100801/operation/...},
 * gzipped when large), records every request, and answers as scripted: success, a 500, throttling,
 * or never. A body it cannot decode fails the test through {@link #requests()}.
 */
public final class CloudWatchTestServer extends AwsTestServer<CloudWatchTestServer> {
  private static final String OPERATION_PREFIX =
      "/service/GraniteServiceVersion20100801/operation/";

  /** The path the SDK posts PutMetricData to under RPC v2. */
  public static final String PUT_METRIC_DATA_PATH = OPERATION_PREFIX + "PutMetricData";

  /** The path the SDK posts GetMetricData to under RPC v2. */
  public static final String GET_METRIC_DATA_PATH =
      "/service/GraniteServiceVersion20100801/operation/GetMetricData";

  private static final CBORFactory CBOR = new CBORFactory();

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

  private final List<Series> series = new CopyOnWriteArrayList<>();

  /** A stored metric's data points, as GetMetricData returns them for a query naming it exactly. */
  private record Series(
      String namespace,
      String metricName,
      Map<String, String> dimensions,
      List<Instant> timestamps,
      List<Double> values) {}

  private CloudWatchTestServer() {}

  /** Starts a server on a free port of 127.0.0.1, answering {@link Reply#OK}. */
  public static CloudWatchTestServer start() {
    return new CloudWatchTestServer().listen();
  }

  /**
   * A request's body read as a PutMetricData input: the decoded CBOR, maps, lists, strings,
   * numbers, and {@link Instant} for values tagged as epoch time.
   */
  public static PutMetricData putMetricData(Request request) {
    return PutMetricData.from(request.body());
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

  /** The PutMetricData inputs so far, in order. */
  public List<PutMetricData> putMetricDataCalls() {
    return requests().stream()
        .filter(r -> r.path().equals(PUT_METRIC_DATA_PATH))
        .map(CloudWatchTestServer::putMetricData)
        .toList();
  }

  @Override
  protected Decoded decode(
      String method, String path, Map<String, List<String>> headers, byte[] bytes)
      throws IOException {
    List<String> encoding = headers.getOrDefault("content-encoding", List.of());
    if (!encoding.isEmpty() && "gzip".equalsIgnoreCase(encoding.getFirst())) {
      // PutMetricData carries the requestCompression trait: the SDK gzips bodies of 10 KiB and
      // more.
      try (InputStream gzip = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
        bytes = gzip.readAllBytes();
      }
    }
    String action =
        path.startsWith(OPERATION_PREFIX) ? path.substring(OPERATION_PREFIX.length()) : path;
    return new Decoded(action, Map.of(), bytes.length == 0 ? null : decode(bytes));
  }

  @Override
  protected Response answer(Request request) {
    if (request.path().equals(GET_METRIC_DATA_PATH)) {
      return metricData(request.body());
    }
    return cbor(200, Map.of(), Map.of());
  }

  @Override
  protected Response fault(Reply reply, Throwable cause) {
    return switch (reply) {
      case THROTTLING ->
          cbor(
              400,
              Map.of("x-amzn-query-error", "Throttling;Sender"),
              Map.of(
                  "__type", "com.amazon.coral.availability#ThrottlingException",
                  "message", "Rate exceeded"));
      case DENIED ->
          cbor(
              403,
              Map.of("x-amzn-query-error", "AccessDenied;Sender"),
              Map.of(
                  "__type", "com.amazon.coral.service#AccessDeniedException",
                  "message", "not authorized to perform cloudwatch:PutMetricData"));
      default ->
          cause == null
              ? cbor(
                  500,
                  Map.of("x-amzn-query-error", "InternalServiceError;Receiver"),
                  Map.of(
                      "__type", "com.amazonaws.cloudwatch#InternalServiceFault",
                      "message", "Internal service error from the test server"))
              : cbor(400, Map.of(), Map.of("__type", "SerializationException"));
    };
  }

  /** GetMetricData's answer: one result per query, with the stored series it names, if any. */
  @SuppressWarnings("unchecked")
  private Response metricData(Object body) {
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
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Response(
        200,
        Map.of("Content-Type", "application/cbor", "smithy-protocol", "rpc-v2-cbor"),
        bytes.toByteArray());
  }

  private static Response cbor(int status, Map<String, String> headers, Map<String, String> body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (CBORGenerator cbor = CBOR.createGenerator(bytes)) {
      cbor.writeStartObject();
      for (Map.Entry<String, String> field : body.entrySet()) {
        cbor.writeStringField(field.getKey(), field.getValue());
      }
      cbor.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put("Content-Type", "application/cbor");
    all.put("smithy-protocol", "rpc-v2-cbor");
    return new Response(status, all, bytes.toByteArray());
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
}
