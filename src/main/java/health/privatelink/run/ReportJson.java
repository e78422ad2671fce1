package health.privatelink.run;

import com.fasterxml.jackson.core.JsonGenerator;
import health.privatelink.Failure;
import health.privatelink.alert.AlertOutcome;
import health.privatelink.alert.TestAlert;
import health.privatelink.check.EndpointResult;
import health.privatelink.check.Report;
import health.privatelink.check.Silence;
import health.privatelink.check.TargetResult;
import health.privatelink.check.Timings;
import health.privatelink.publish.MetricsOutcome;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The contract's JSON report, written in this one place for the function and the command line
 * alike: the checks' results and what was published. Every key is always present (null when it does
 * not apply), so consumers can rely on one shape.
 */
public final class ReportJson {
  private ReportJson() {}

  /** Writes the run's report, with what was published, as one JSON object. */
  public static void write(Pipeline.Outcome outcome, JsonGenerator json) throws IOException {
    json.writeStartObject();
    writeReportFields(outcome.report(), json);
    json.writeBooleanField("coldStart", outcome.coldStart());
    json.writeFieldName("published");
    if (outcome.metrics().isEmpty() && outcome.alerts().isEmpty()) {
      json.writeNull();
    } else {
      json.writeStartObject();
      json.writeFieldName("metrics");
      if (outcome.metrics().isPresent()) {
        writeMetrics(outcome.metrics().get(), json);
      } else {
        json.writeNull();
      }
      json.writeFieldName("alerts");
      if (outcome.alerts().isPresent()) {
        writeAlerts(outcome.alerts().get(), json);
      } else {
        json.writeNull();
      }
      json.writeEndObject();
    }
    json.writeEndObject();
  }

  /**
   * Writes the answer to a test alert: {@code {"testAlert": {"subject", "delivery", "messageId",
   * "error"}}}.
   */
  public static void write(TestAlert sent, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeObjectFieldStart("testAlert");
    json.writeStringField("subject", sent.subject());
    json.writeStringField("delivery", sent.delivery().name());
    json.writeStringField("messageId", sent.messageId().orElse(null));
    json.writeStringField("error", sent.error().orElse(null));
    json.writeEndObject();
    json.writeEndObject();
  }

  /**
   * Writes the answer to a silence request: {@code {"silences": [{"target", "until", "reason"}]}},
   * every silence in force after it, in the configuration's order.
   */
  public static void write(Map<String, Silence> silences, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeArrayFieldStart("silences");
    for (Map.Entry<String, Silence> silence : silences.entrySet()) {
      json.writeStartObject();
      json.writeStringField("target", silence.getKey());
      json.writeStringField("until", silence.getValue().until().toString());
      json.writeStringField("reason", silence.getValue().reason());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private static void writeReportFields(Report report, JsonGenerator out) throws IOException {
    out.writeBooleanField("healthy", report.healthy());
    out.writeStringField("startedAt", report.startedAt().toString());
    out.writeNumberField("durationMs", Timings.millis(report.duration()));
    out.writeArrayFieldStart("results");
    for (TargetResult result : report.results()) {
      writeResult(result, out);
    }
    out.writeEndArray();
  }

  private static void writeResult(TargetResult r, JsonGenerator out) throws IOException {
    out.writeStartObject();
    out.writeStringField("target", r.target().name());
    out.writeStringField("url", r.target().displayUrl());
    out.writeBooleanField("healthy", r.healthy());
    out.writeStringField("reason", r.failure().map(f -> f.reason().name()).orElse(null));
    out.writeStringField("detail", r.failure().map(Failure::detail).orElse(null));
    out.writeArrayFieldStart("addresses");
    for (InetAddress address : r.addresses()) {
      out.writeString(address.getHostAddress());
    }
    out.writeEndArray();
    out.writeFieldName("status");
    if (r.status().isPresent()) {
      out.writeNumber(r.status().getAsInt());
    } else {
      out.writeNull();
    }
    out.writeObjectFieldStart("timings");
    writeMillis(out, "dnsMs", r.timings().dns());
    writeMillis(out, "connectMs", r.timings().connect());
    writeMillis(out, "tlsMs", r.timings().tls());
    writeMillis(out, "ttfbMs", r.timings().timeToFirstByte());
    writeMillis(out, "totalMs", Optional.of(r.timings().total()));
    out.writeEndObject();
    out.writeFieldName("certificateDaysRemaining");
    if (r.certificateDaysRemaining().isPresent()) {
      out.writeNumber(r.certificateDaysRemaining().getAsLong());
    } else {
      out.writeNull();
    }
    out.writeStringField("diagnosis", r.diagnosis().orElse(null));
    out.writeArrayFieldStart("endpoints");
    for (EndpointResult e : r.endpoints()) {
      writeEndpoint(e, out);
    }
    out.writeEndArray();
    out.writeFieldName("silenced");
    if (r.silenced().isPresent()) {
      out.writeStartObject();
      out.writeStringField("until", r.silenced().get().until().toString());
      out.writeStringField("reason", r.silenced().get().reason());
      out.writeEndObject();
    } else {
      out.writeNull();
    }
    out.writeEndObject();
  }

  private static void writeEndpoint(EndpointResult e, JsonGenerator out) throws IOException {
    out.writeStartObject();
    out.writeStringField("address", e.address().getHostAddress());
    out.writeStringField("zone", e.zone().orElse(null));
    out.writeBooleanField("healthy", e.healthy());
    out.writeStringField("reason", e.failure().map(f -> f.reason().name()).orElse(null));
    out.writeStringField("detail", e.failure().map(Failure::detail).orElse(null));
    out.writeFieldName("status");
    if (e.status().isPresent()) {
      out.writeNumber(e.status().getAsInt());
    } else {
      out.writeNull();
    }
    out.writeObjectFieldStart("timings");
    writeMillis(out, "connectMs", e.timings().connect());
    writeMillis(out, "tlsMs", e.timings().tls());
    writeMillis(out, "ttfbMs", e.timings().timeToFirstByte());
    writeMillis(out, "totalMs", Optional.of(e.timings().total()));
    out.writeEndObject();
    out.writeFieldName("certificateDaysRemaining");
    if (e.certificateDaysRemaining().isPresent()) {
      out.writeNumber(e.certificateDaysRemaining().getAsLong());
    } else {
      out.writeNull();
    }
    out.writeEndObject();
  }

  private static void writeMillis(JsonGenerator out, String name, Optional<Duration> value)
      throws IOException {
    out.writeFieldName(name);
    if (value.isPresent()) {
      out.writeNumber(Timings.millis(value.get()));
    } else {
      out.writeNull();
    }
  }

  /** The {@code published.metrics} object. */
  static void writeMetrics(MetricsOutcome metrics, JsonGenerator out) throws IOException {
    out.writeStartObject();
    out.writeStringField("mode", metrics.mode());
    out.writeNumberField("dataPoints", metrics.dataPoints());
    out.writeNumberField("sentByApi", metrics.sentByApi());
    out.writeNumberField("writtenAsEmf", metrics.writtenAsEmf());
    out.writeStringField("error", metrics.error().orElse(null));
    out.writeEndObject();
  }

  /** The {@code published.alerts} object. */
  private static void writeAlerts(AlertOutcome alerts, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeStringField("state", alerts.state().map(Enum::name).orElse(null));
    json.writeArrayFieldStart("targets");
    for (String target : alerts.targets()) {
      json.writeString(target);
    }
    json.writeEndArray();
    json.writeStringField("delivery", alerts.delivery().name());
    json.writeArrayFieldStart("errors");
    for (String error : alerts.errors()) {
      json.writeString(error);
    }
    json.writeEndArray();
    json.writeEndObject();
  }
}
