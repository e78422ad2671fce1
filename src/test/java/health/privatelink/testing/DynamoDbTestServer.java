package health.privatelink.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * DynamoDB on 127.0.0.1 for the real SDK client, speaking JSON 1.0 ({@code POST /} with {@code
 * X-Amz-Target: DynamoDB_20120810.<Operation>}) for the calls the alert state store makes:
 * BatchGetItem, PutItem under its two conditions, and GetItem. Tables have one string partition key
 * and are made with {@link #createTable}; attribute values are kept as the JSON the SDK sent.
 *
 * <p>Like DynamoDB it refuses a missing table, a key that does not match the schema, more than 100
 * keys or a key twice in one BatchGetItem; unlike DynamoDB it also refuses any parameter or
 * condition the store does not send, so that a change in the store shows here. It records every
 * request, and {@link #leaveUnprocessed} makes BatchGetItem leave keys unprocessed as DynamoDB does
 * under throttling.
 */
public final class DynamoDbTestServer extends AwsTestServer<DynamoDbTestServer> {
  /** DynamoDB's limit on the keys in one BatchGetItem. */
  public static final int MAX_BATCH_KEYS = 100;

  private static final String TARGET_PREFIX = "DynamoDB_20120810.";
  private static final String CONTENT_TYPE = "application/x-amz-json-1.0";
  private static final String DYNAMODB = "com.amazonaws.dynamodb.v20120810#";
  private static final String VALIDATION = "com.amazon.coral.validate#ValidationException";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The two conditions the store writes under; names and values are placeholders. */
  private static final Pattern NOT_EXISTS =
      Pattern.compile("attribute_not_exists\\(\\s*(#\\w+)\\s*\\)");

  private static final Pattern EQUALS = Pattern.compile("(#\\w+)\\s*=\\s*(:\\w+)");

  /** A table: its key attribute and its items by the key's value ({@code {"S": ...}}). */
  private record Table(String keyAttribute, Map<JsonNode, ObjectNode> items) {}

  /** A request DynamoDB would refuse, answered with HTTP 400 and this error type. */
  private static final class Refused extends Exception {
    final String type;

    Refused(String type, String message) {
      super(message, null, false, false);
      this.type = type;
    }
  }

  private final Map<String, Table> tables = new HashMap<>();
  private int unprocessedPerCall;
  private int unprocessedCalls;

  private DynamoDbTestServer() {}

  /** Starts a server on a free port of 127.0.0.1, without tables. */
  public static DynamoDbTestServer start() {
    return new DynamoDbTestServer().listen();
  }

  /** The keys a BatchGetItem asked for in {@code table}, in order; empty for other calls. */
  public static List<JsonNode> keys(Request request, String table) {
    List<JsonNode> keys = new ArrayList<>();
    ((JsonNode) request.body()).path("RequestItems").path(table).path("Keys").forEach(keys::add);
    return keys;
  }

  /** Creates an empty table whose partition key is the string attribute {@code keyAttribute}. */
  public synchronized DynamoDbTestServer createTable(String name, String keyAttribute) {
    if (tables.putIfAbsent(name, new Table(keyAttribute, new HashMap<>())) != null) {
      throw new IllegalStateException("table " + name + " exists");
    }
    return this;
  }

  /**
   * Makes each of the next {@code calls} BatchGetItem calls leave up to {@code keysPerCall} of its
   * keys unprocessed, the last ones it asked for, returning them in {@code UnprocessedKeys}. Like
   * DynamoDB, which answers ProvisionedThroughputExceededException rather than read nothing, a call
   * still reads at least one key: {@code Integer.MAX_VALUE} keys per call reads one key a call.
   */
  public synchronized DynamoDbTestServer leaveUnprocessed(int keysPerCall, int calls) {
    if (keysPerCall < 0 || calls < 0) {
      throw new IllegalArgumentException("keysPerCall and calls must be >= 0");
    }
    unprocessedPerCall = keysPerCall;
    unprocessedCalls = calls;
    return this;
  }

  @Override
  protected Decoded decode(
      String method, String path, Map<String, List<String>> headers, byte[] bytes)
      throws OffProtocol {
    String target = first(headers, "x-amz-target");
    String contentType = first(headers, "content-type");
    if (!method.equals("POST")
        || !path.equals("/")
        || contentType == null
        || !contentType.startsWith(CONTENT_TYPE)
        || target == null
        || !target.startsWith(TARGET_PREFIX)) {
      throw new OffProtocol(
          method + " " + path + " with Content-Type " + contentType + " and X-Amz-Target " + target,
          json(
              400,
              "com.amazon.coral.service#UnknownOperationException",
              "Unknown operation " + target));
    }
    JsonNode body;
    try {
      body = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new OffProtocol(
          String.valueOf(e.getMessage()),
          json(400, "com.amazon.coral.service#SerializationException", e.getMessage()));
    }
    if (body == null || !body.isObject()) {
      throw new OffProtocol(
          "the body is not a JSON object",
          json(400, "com.amazon.coral.service#SerializationException", "not a JSON object"));
    }
    return new Decoded(target.substring(TARGET_PREFIX.length()), Map.of(), body);
  }

  @Override
  protected Response answer(Request request) {
    JsonNode body = (JsonNode) request.body();
    try {
      synchronized (this) {
        return json(
            200,
            switch (request.action()) {
              case "BatchGetItem" -> batchGetItem(body);
              case "PutItem" -> putItem(body);
              case "GetItem" -> getItem(body);
              default ->
                  throw new Refused(
                      "com.amazon.coral.service#UnknownOperationException",
                      "the test server does not serve " + request.action());
            });
      }
    } catch (Refused refused) {
      return json(400, refused.type, refused.getMessage());
    }
  }

  @Override
  protected Response fault(Reply reply, Throwable cause) {
    return switch (reply) {
      case THROTTLING ->
          json(400, DYNAMODB + "ThrottlingException", "Rate of requests exceeds the allowed rate");
      case DENIED ->
          json(
              400,
              "com.amazon.coral.service#AccessDeniedException",
              "not authorized to perform this action");
      default ->
          json(
              500,
              DYNAMODB + "InternalServerError",
              cause == null ? "Internal server error" : String.valueOf(cause.getMessage()));
    };
  }

  private static String first(Map<String, List<String>> headers, String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.getFirst();
  }

  private static Response json(int status, String type, String message) {
    return json(status, JSON.createObjectNode().put("__type", type).put("message", message));
  }

  private static Response json(int status, JsonNode answer) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(answer);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    // DynamoDB sends a CRC32 of the body, and the SDK checks it when present.
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return new Response(
        status,
        Map.of(
            "Content-Type",
            CONTENT_TYPE,
            "x-amzn-RequestId",
            UUID.randomUUID().toString(),
            "x-amz-crc32",
            Long.toString(crc.getValue())),
        bytes);
  }

  /** A key asked for: the table, the key as sent, and the key attribute's value. */
  private record Asked(String table, JsonNode key, JsonNode value) {}

  private JsonNode batchGetItem(JsonNode body) throws Refused {
    only(body, "RequestItems");
    JsonNode requestItems = body.path("RequestItems");
    if (!requestItems.isObject() || requestItems.isEmpty()) {
      throw validation("RequestItems must name at least one table");
    }
    List<Asked> asked = new ArrayList<>();
    Map<String, JsonNode> consistentRead = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : requestItems.properties()) {
      only(entry.getValue(), "Keys", "ConsistentRead");
      Table table = table(entry.getKey());
      JsonNode keys = entry.getValue().path("Keys");
      if (!keys.isArray() || keys.isEmpty()) {
        throw validation("Keys of table " + entry.getKey() + " must hold at least one key");
      }
      Set<JsonNode> seen = new HashSet<>();
      for (JsonNode key : keys) {
        JsonNode value = keyValue(table, key);
        if (!seen.add(value)) {
          throw validation("Provided list of item keys contains duplicates");
        }
        asked.add(new Asked(entry.getKey(), key, value));
      }
      consistentRead.put(entry.getKey(), entry.getValue().get("ConsistentRead"));
    }
    if (asked.size() > MAX_BATCH_KEYS) {
      throw validation("Too many items requested for the BatchGetItem call");
    }
    int left = 0;
    if (unprocessedCalls > 0) {
      unprocessedCalls--;
      left = Math.min(unprocessedPerCall, asked.size() - 1);
    }
    ObjectNode answer = JSON.createObjectNode();
    ObjectNode responses = answer.putObject("Responses");
    consistentRead.keySet().forEach(responses::putArray);
    ObjectNode unprocessed = answer.putObject("UnprocessedKeys");
    List<Asked> read = asked.subList(0, asked.size() - left);
    // DynamoDB returns items in no particular order; reversed here, a reader that counts on the
    // order asked for gets the wrong items.
    for (Asked a : read.reversed()) {
      ObjectNode item = tables.get(a.table()).items().get(a.value());
      if (item != null) {
        ((ArrayNode) responses.get(a.table())).add(item.deepCopy());
      }
    }
    for (Asked a : asked.subList(asked.size() - left, asked.size())) {
      ObjectNode keysAndAttributes = (ObjectNode) unprocessed.get(a.table());
      if (keysAndAttributes == null) {
        keysAndAttributes = unprocessed.putObject(a.table());
        keysAndAttributes.putArray("Keys");
        JsonNode consistent = consistentRead.get(a.table());
        if (consistent != null) {
          keysAndAttributes.set("ConsistentRead", consistent);
        }
      }
      ((ArrayNode) keysAndAttributes.get("Keys")).add(a.key().deepCopy());
    }
    return answer;
  }

  private JsonNode putItem(JsonNode body) throws Refused {
    only(
        body,
        "TableName",
        "Item",
        "ConditionExpression",
        "ExpressionAttributeNames",
        "ExpressionAttributeValues");
    Table table = table(body.path("TableName").asText());
    JsonNode item = body.path("Item");
    if (!item.isObject() || !item.has(table.keyAttribute())) {
      throw validation(
          "One or more parameter values were invalid: Missing the key "
              + table.keyAttribute()
              + " in the item");
    }
    JsonNode value = stringKey(table, item.get(table.keyAttribute()));
    ObjectNode current = table.items().get(value);
    if (!holds(body, current)) {
      throw new Refused(
          DYNAMODB + "ConditionalCheckFailedException", "The conditional request failed");
    }
    table.items().put(value, ((ObjectNode) item).deepCopy());
    return JSON.createObjectNode();
  }

  private JsonNode getItem(JsonNode body) throws Refused {
    only(body, "TableName", "Key", "ConsistentRead");
    Table table = table(body.path("TableName").asText());
    ObjectNode item = table.items().get(keyValue(table, body.path("Key")));
    ObjectNode answer = JSON.createObjectNode();
    if (item != null) {
      answer.set("Item", item.deepCopy());
    }
    return answer;
  }

  /** Whether the item now under the key, null when there is none, meets the PutItem's condition. */
  private static boolean holds(JsonNode body, ObjectNode current) throws Refused {
    JsonNode names = body.get("ExpressionAttributeNames");
    JsonNode values = body.get("ExpressionAttributeValues");
    if (!body.has("ConditionExpression")) {
      if (names != null || values != null) {
        throw validation(
            "ExpressionAttributeNames and ExpressionAttributeValues can only be specified when"
                + " using expressions");
      }
      return true;
    }
    if (names != null && names.isEmpty()) {
      throw validation("ExpressionAttributeNames must not be empty");
    }
    if (values != null && values.isEmpty()) {
      throw validation("ExpressionAttributeValues must not be empty");
    }
    String condition = body.get("ConditionExpression").asText().strip();
    Matcher notExists = NOT_EXISTS.matcher(condition);
    Matcher equals = EQUALS.matcher(condition);
    if (notExists.matches()) {
      used(names, "ExpressionAttributeNames", notExists.group(1));
      used(values, "ExpressionAttributeValues");
      String attribute = names.get(notExists.group(1)).asText();
      return current == null || !current.has(attribute);
    }
    if (equals.matches()) {
      used(names, "ExpressionAttributeNames", equals.group(1));
      used(values, "ExpressionAttributeValues", equals.group(2));
      String attribute = names.get(equals.group(1)).asText();
      return current != null
          && current.has(attribute)
          && sameValue(current.get(attribute), values.get(equals.group(2)));
    }
    throw validation(
        "the test server knows only the store's conditions, attribute_not_exists(#name) and"
            + " #name = :value; got "
            + condition);
  }

  /** Refuses placeholders used and not defined, or defined and not used, as DynamoDB does. */
  private static void used(JsonNode defined, String field, String... placeholders) throws Refused {
    Set<String> unused = new TreeSet<>();
    if (defined != null) {
      defined.properties().forEach(p -> unused.add(p.getKey()));
    }
    for (String placeholder : placeholders) {
      if (!unused.remove(placeholder)) {
        throw validation(
            placeholder.startsWith("#")
                ? "Invalid ConditionExpression: An expression attribute name used in the document"
                    + " path is not defined; attribute name: "
                    + placeholder
                : "Invalid ConditionExpression: An expression attribute value used in expression"
                    + " is not defined; attribute value: "
                    + placeholder);
      }
    }
    if (!unused.isEmpty()) {
      throw validation(
          "Value provided in "
              + field
              + " unused in expressions: keys: {"
              + String.join(", ", unused)
              + "}");
    }
  }

  /** DynamoDB's comparison: same type, numbers by value, everything else as sent. */
  private static boolean sameValue(JsonNode a, JsonNode b) {
    if (a.has("N") && b.has("N")) {
      return new BigDecimal(a.get("N").asText()).compareTo(new BigDecimal(b.get("N").asText()))
          == 0;
    }
    return a.equals(b);
  }

  private Table table(String name) throws Refused {
    Table table = tables.get(name);
    if (table == null) {
      throw new Refused(DYNAMODB + "ResourceNotFoundException", "Requested resource not found");
    }
    return table;
  }

  /** The key attribute's value in a {@code Key}, which must name the key attribute alone. */
  private static JsonNode keyValue(Table table, JsonNode key) throws Refused {
    if (!key.isObject() || key.size() != 1 || !key.has(table.keyAttribute())) {
      throw validation("The provided key element does not match the schema");
    }
    return stringKey(table, key.get(table.keyAttribute()));
  }

  /** {@code value} when it is a non-empty string, {@code {"S": ...}}, as the key must be. */
  private static JsonNode stringKey(Table table, JsonNode value) throws Refused {
    if (!value.isObject() || value.size() != 1 || !value.path("S").isTextual()) {
      throw validation(
          "One or more parameter values were invalid: Type mismatch for key "
              + table.keyAttribute()
              + " expected: S actual: "
              + value);
    }
    if (value.get("S").asText().isEmpty()) {
      throw validation(
          "One or more parameter values are not valid. The AttributeValue for a key attribute"
              + " cannot contain an empty string value. Key: "
              + table.keyAttribute());
    }
    return value;
  }

  /** Refuses parameters the store does not send, so that one it starts sending is noticed. */
  private static void only(JsonNode node, String... allowed) throws Refused {
    if (!node.isObject()) {
      throw validation("expected a JSON object, got " + node);
    }
    Set<String> fields = new TreeSet<>();
    node.properties().forEach(p -> fields.add(p.getKey()));
    fields.removeAll(List.of(allowed));
    if (!fields.isEmpty()) {
      throw validation("the test server does not support " + fields);
    }
  }

  private static Refused validation(String message) {
    return new Refused(VALIDATION, message);
  }
}
