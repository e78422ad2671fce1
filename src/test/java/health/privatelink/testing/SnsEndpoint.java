package health.privatelink.testing;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An SNS endpoint on 127.0.0.1 speaking the query protocol (form-encoded POST, XML answer) to the
 * real SDK client. It records every request's decoded form and answers Publish as published, or as
 * {@link #replyNext} and {@link #replyAlways} script.
 */
public final class SnsEndpoint extends QueryTestServer<SnsEndpoint> {
  private static final String XMLNS = "http://sns.amazonaws.com/doc/2010-03-31/";

  private SnsEndpoint() {}

  /** Starts a server on a free port of 127.0.0.1 that publishes every message. */
  public static SnsEndpoint start() {
    return new SnsEndpoint().listen();
  }

  /** The requests that were answered as published. */
  public List<Request> published() {
    return requests().stream().filter(r -> r.reply() == Reply.OK).toList();
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
  protected Response answer(Request request) {
    if (!request.action().equals("Publish")) {
      return error(400, "Sender", "InvalidAction", "the test server serves Publish alone");
    }
    return xml(
        200,
        "<PublishResponse xmlns=\""
            + XMLNS
            + "\"><PublishResult><MessageId>"
            + UUID.randomUUID()
            + "</MessageId></PublishResult><ResponseMetadata><RequestId>"
            + UUID.randomUUID()
            + "</RequestId></ResponseMetadata></PublishResponse>");
  }

  @Override
  protected Response fault(Reply reply, Throwable cause) {
    return switch (reply) {
      case THROTTLING -> error(400, "Sender", "Throttling", "Rate exceeded");
      case DENIED ->
          error(403, "Sender", "AuthorizationError", "not authorized to perform SNS:Publish");
      default -> error(500, "Receiver", "InternalError", "test failure");
    };
  }

  private static Response error(int status, String type, String code, String message) {
    return xml(
        status,
        "<ErrorResponse xmlns=\""
            + XMLNS
            + "\"><Error>"
            + QueryProtocol.tag("Type", type)
            + QueryProtocol.tag("Code", code)
            + QueryProtocol.tag("Message", message)
            + "</Error><RequestId>"
            + UUID.randomUUID()
            + "</RequestId></ErrorResponse>");
  }

  private static Response xml(int status, String xml) {
    return new Response(
        status, Map.of("Content-Type", "text/xml"), xml.getBytes(StandardCharsets.UTF_8));
  }
}
