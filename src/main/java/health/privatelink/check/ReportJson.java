package health.privatelink.check;

import com.fasterxml.jackson.core.JsonGenerator;
import health.privatelink.Failure;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * Writes a {@link Report} as the contract's JSON report. Every key is always present (null when it
 * does not apply), so consumers can rely on one shape.
 */
public final class ReportJson {
  private ReportJson() {}

  /**
   * Writes the report's fields into an object the caller has opened, so a caller can add its own
   * fields (such as {@code published}) before closing it.
   */
  public static void writeFields(Report report, JsonGenerator out) throws IOException {
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
}
