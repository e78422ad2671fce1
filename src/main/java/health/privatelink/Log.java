package health.privatelink;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Structured log lines: one JSON object per line, so CloudWatch Logs Insights and subscription
 * filters can query them. Output goes to the stream given, standard output in the function.
 */
public final class Log {
  private final PrintStream out;

  public Log(PrintStream out) {
    this.out = out;
  }

  public void info(String message, Map<String, ?> fields) {
    write("INFO", message, fields);
  }

  public void warn(String message, Map<String, ?> fields) {
    write("WARN", message, fields);
  }

  public void error(String message, Map<String, ?> fields) {
    write("ERROR", message, fields);
  }

  /** The fields that report a bug: the error, and its stack trace within the one line. */
  public static Map<String, Object> failure(Throwable bug) {
    StringWriter trace = new StringWriter();
    bug.printStackTrace(new PrintWriter(trace));
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("error", String.valueOf(bug));
    fields.put("stackTrace", trace.toString());
    return fields;
  }

  private void write(String level, String message, Map<String, ?> fields) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = Json.factory().createGenerator(text)) {
      json.writeStartObject();
      json.writeStringField("timestamp", Instant.now().toString());
      json.writeStringField("level", level);
      json.writeStringField("message", message);
      for (Map.Entry<String, ?> field : fields.entrySet()) {
        json.writeFieldName(field.getKey());
        writeValue(json, field.getValue());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // One println per record: concurrent writers never interleave inside a line.
    out.println(text);
  }

  private static void writeValue(JsonGenerator json, Object value) throws IOException {
    switch (value) {
      case null -> json.writeNull();
      case Number n when n instanceof Long || n instanceof Integer ->
          json.writeNumber(n.longValue());
      case Number n -> json.writeNumber(n.doubleValue());
      case Boolean b -> json.writeBoolean(b);
      case Iterable<?> items -> {
        json.writeStartArray();
        for (Object item : items) {
          writeValue(json, item);
        }
        json.writeEndArray();
      }
      case Map<?, ?> map -> {
        json.writeStartObject();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          json.writeFieldName(String.valueOf(e.getKey()));
          writeValue(json, e.getValue());
        }
        json.writeEndObject();
      }
      default -> json.writeString(String.valueOf(value));
    }
  }
}
