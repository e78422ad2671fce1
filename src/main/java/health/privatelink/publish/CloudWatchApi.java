package health.privatelink.publish;

import health.privatelink.Deadline;
import health.privatelink.Durations;
import health.privatelink.aws.Priming;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClientBuilder;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * PutMetricData within a deadline: as few calls as CloudWatch's limits allow, each bounded by the
 * time left, retried by the SDK only while that time lasts.
 */
final class CloudWatchApi {
  /**
   * CloudWatch takes at most 1000 metrics and 1 MB in one PutMetricData request. A data point here
   * is at most a 24-character name, a 64-character target, a reason, a unit, a timestamp and a
   * value, under 300 bytes encoded, so 1000 of them stay far below 1 MB: the count is the only
   * limit that can bind.
   */
  static final int MAX_DATA_POINTS_PER_CALL = 1000;

  /** The first try and two retries, all inside the call's timeout. */
  static final int MAX_ATTEMPTS = 3;

  /**
   * Backstops below the per-call timeouts. The endpoint is regional (or a VPC endpoint), so a
   * connect takes milliseconds; a second means the path is broken, not slow.
   */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

  static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(5);

  /** Below this much time left a call is not started: it could not finish. */
  static final Duration MIN_CALL_TIME = Duration.ofMillis(50);

  /**
   * An attempt gets half the call's time, so a hung first attempt leaves room for a retry, but at
   * least this much (or all of it when less is left), so a cold client can finish its first call.
   */
  static final Duration MIN_ATTEMPT_TIME = Duration.ofSeconds(1);

  /**
   * Where a call's attempts leave how they ended. A call that runs out of time says only that, so
   * without this a throttled call and a hung endpoint would read the same in the log.
   */
  private static final ExecutionAttribute<AtomicReference<String>> LAST_ATTEMPT =
      new ExecutionAttribute<>("health.privatelink.publish.LastAttempt");

  private CloudWatchApi() {}

  /**
   * A client builder with this project's HTTP client, timeouts and retries; region, credentials and
   * endpoint come from the environment as the SDK does by default ({@code AWS_REGION}, {@code
   * AWS_ENDPOINT_URL_CLOUDWATCH}, ...) unless the caller sets them.
   */
  static CloudWatchClientBuilder clientBuilder() {
    return CloudWatchClient.builder()
        .httpClientBuilder(
            UrlConnectionHttpClient.builder()
                .connectionTimeout(CONNECT_TIMEOUT)
                .socketTimeout(SOCKET_TIMEOUT))
        .overrideConfiguration(o ->
            o.retryStrategy(
                    AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(MAX_ATTEMPTS)
                        .build())
                .addExecutionInterceptor(new AttemptRecorder())
                .addExecutionInterceptor(Priming.interceptor()));
  }

  /**
   * Primes the client ({@link Priming}) with one PutMetricData stopped before sending.
   *
   * @return true when the call got as far as sending
   */
  static boolean prime(CloudWatchClient client, String namespace) {
    DataPoint sample =
        new DataPoint(
            "HealthCheckSuccess",
            List.of(new DataPoint.Dimension("Target", "priming")),
            DataPoint.Unit.COUNT,
            1,
            java.time.Instant.EPOCH);
    return Priming.run(() ->
        client.putMetricData(
            PutMetricDataRequest.builder()
                .namespace(namespace)
                .metricData(datum(sample))
                .overrideConfiguration(Priming::mark)
                .build()));
  }

  /**
   * What reached CloudWatch.
   *
   * @param dataPoints how many data points CloudWatch accepted: a prefix of those given
   * @param error why the rest did not go, when some did not
   */
  record Sent(int dataPoints, Optional<String> error) {}

  /**
   * Sends the data points in order, one call per {@value #MAX_DATA_POINTS_PER_CALL}, stopping at
   * the first call that fails or that there is no time left to make.
   */
  static Sent send(
      CloudWatchClient client, String namespace, List<DataPoint> points, Deadline deadline) {
    int sent = 0;
    while (sent < points.size()) {
      Duration left = deadline.remaining();
      if (left.compareTo(MIN_CALL_TIME) < 0) {
        return new Sent(
            sent,
            Optional.of("PutMetricData not attempted: " + left.toMillis() + " ms left in the run"));
      }
      List<DataPoint> batch =
          points.subList(sent, Math.min(points.size(), sent + MAX_DATA_POINTS_PER_CALL));
      AtomicReference<String> lastAttempt = new AtomicReference<>();
      try {
        client.putMetricData(request(namespace, batch, left, lastAttempt));
      } catch (RuntimeException e) {
        // Whatever stopped the call, the data points still go out as EMF; this is the one place
        // that turns a failed call into a value.
        String error = describe(e, left, Optional.ofNullable(lastAttempt.get()));
        return new Sent(sent, Optional.of(error));
      }
      sent += batch.size();
    }
    return new Sent(sent, Optional.empty());
  }

  private static PutMetricDataRequest request(
      String namespace, List<DataPoint> batch, Duration left, AtomicReference<String> lastAttempt) {
    Duration attempt = Durations.min(left, max(left.dividedBy(2), MIN_ATTEMPT_TIME));
    return PutMetricDataRequest.builder()
        .namespace(namespace)
        .metricData(batch.stream().map(CloudWatchApi::datum).toList())
        .overrideConfiguration(o ->
            o.apiCallTimeout(left)
                .apiCallAttemptTimeout(attempt)
                .putExecutionAttribute(LAST_ATTEMPT, lastAttempt))
        .build();
  }

  private static MetricDatum datum(DataPoint point) {
    return MetricDatum.builder()
        .metricName(point.name())
        .dimensions(
            point.dimensions().stream()
                .map(d -> Dimension.builder().name(d.name()).value(d.value()).build())
                .toList())
        .unit(StandardUnit.fromValue(point.unit().cloudWatchName()))
        .value(point.value())
        .timestamp(point.timestamp())
        .build();
  }

  /**
   * One line on why a call failed, for the log and the report.
   *
   * @param budget the time the call had
   * @param lastAttempt how its last attempt ended, when known
   */
  static String describe(RuntimeException e, Duration budget, Optional<String> lastAttempt) {
    return switch (e) {
      case ApiCallTimeoutException t ->
          "PutMetricData did not finish within "
              + budget.toMillis()
              + " ms"
              + lastAttempt.map(s -> " (last attempt: " + s + ")").orElse("");
      case AwsServiceException s -> serviceError(s);
      default -> "PutMetricData failed: " + e.getMessage();
    };
  }

  private static String serviceError(AwsServiceException e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
    return "PutMetricData failed: HTTP "
        + e.statusCode()
        + (code == null ? "" : " " + code)
        + (message == null ? "" : ": " + message);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** Records how each attempt of a call ended, for {@link #describe}. */
  private static final class AttemptRecorder implements ExecutionInterceptor {
    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes attributes) {
      record(attributes, "no answer");
    }

    @Override
    public void afterTransmission(
        Context.AfterTransmission context, ExecutionAttributes attributes) {
      SdkHttpResponse response = context.httpResponse();
      // CloudWatch names the error in this header, by its query-protocol code (e.g. Throttling).
      String code =
          response
              .firstMatchingHeader("x-amzn-query-error")
              .map(v -> " " + v.split(";", 2)[0])
              .orElse("");
      record(attributes, "HTTP " + response.statusCode() + code);
    }

    private static void record(ExecutionAttributes attributes, String ending) {
      AtomicReference<String> last = attributes.getAttribute(LAST_ATTEMPT);
      if (last != null) {
        last.set(ending);
      }
    }
  }
}
