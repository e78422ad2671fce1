package health.privatelink.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import health.privatelink.Json;
import health.privatelink.publish.MetricsOutcome;
import java.io.StringWriter;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The report's {@code published.metrics} object. */
class ReportJsonMetricsTest {

  static Stream<Arguments> outcomes() {
    return Stream.of(
        Arguments.of(
            new MetricsOutcome("api", 11, 11, 0, Optional.empty()),
            "{\"mode\":\"api\",\"dataPoints\":11,\"sentByApi\":11,\"writtenAsEmf\":0,\"error\":null}"),
        Arguments.of(
            new MetricsOutcome("api", 11, 0, 11, Optional.of("PutMetricData failed: HTTP 500")),
            "{\"mode\":\"api\",\"dataPoints\":11,\"sentByApi\":0,\"writtenAsEmf\":11,"
                + "\"error\":\"PutMetricData failed: HTTP 500\"}"),
        Arguments.of(
            new MetricsOutcome("off", 0, 0, 0, Optional.empty()),
            "{\"mode\":\"off\",\"dataPoints\":0,\"sentByApi\":0,\"writtenAsEmf\":0,\"error\":null}"));
  }

  @ParameterizedTest
  @MethodSource("outcomes")
  void writesOneObjectWithEveryKeyAlwaysPresent(MetricsOutcome outcome, String expected)
      throws Exception {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = Json.factory().createGenerator(text)) {
      ReportJson.writeMetrics(outcome, json);
    }

    assertEquals(expected, text.toString());
  }
}
