package health.privatelink.alert;

import health.privatelink.Deadline;
import health.privatelink.Reason;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Alert state in a DynamoDB table, one item per target, so it survives cold starts and is shared by
 * overlapping runs.
 *
 * <p>Schema: partition key {@code target} (S, the target name); {@code version} (N, bumped by every
 * write; writes are conditional on it); {@code failures} (N); {@code failingSince} (S, ISO-8601,
 * absent while passing); {@code alertOpen} (BOOL); {@code notifiedAt} (S, absent before the first
 * notification); {@code reason} (S, absent before the first failure); {@code updatedAt} (S); and
 * {@code expiresAt} (N, epoch seconds, the table's TTL attribute), {@link #TIME_TO_LIVE} after the
 * last write, so targets removed from the configuration do not linger.
 */
public final class DynamoStateStore implements StateStore {
  /** How long an item outlives its last write. Targets still configured rewrite theirs. */
  public static final Duration TIME_TO_LIVE = Duration.ofDays(7);

  static final String KEY = "target";
  static final String VERSION = "version";
  static final String FAILURES = "failures";
  static final String FAILING_SINCE = "failingSince";
  static final String OPEN = "alertOpen";
  static final String NOTIFIED_AT = "notifiedAt";
  static final String REASON = "reason";
  static final String UPDATED_AT = "updatedAt";
  static final String EXPIRES_AT = "expiresAt";

  private final Supplier<DynamoDbClient> client;
  private final String table;

  /**
   * @param client made on first use
   * @param table the table name
   */
  public DynamoStateStore(Supplier<DynamoDbClient> client, String table) {
    this.client = Objects.requireNonNull(client, "client");
    this.table = Objects.requireNonNull(table, "table");
  }

  @Override
  public Map<String, AlertState> load(Collection<String> targets, Instant now, Deadline deadline) {
    Map<String, AlertState> loaded = new LinkedHashMap<>();
    for (String target : targets) {
      GetItemResponse response;
      try {
        // Bounded before the client is asked for: building it on a cold start takes time too.
        var within = AwsClients.within(deadline);
        response =
            client
                .get()
                .getItem(b ->
                    b.tableName(table)
                        .key(Map.of(KEY, AttributeValue.fromS(target)))
                        .consistentRead(true)
                        .overrideConfiguration(within));
      } catch (SdkException | AwsClients.DeadlinePassedException e) {
        throw failed("GetItem", target, e);
      }
      loaded.put(target, response.hasItem() ? fromItem(response.item(), now) : AlertState.INITIAL);
    }
    return loaded;
  }

  @Override
  public boolean replace(String target, long expectedVersion, AlertState next, Deadline deadline) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    String condition;
    if (expectedVersion == 0) {
      names.put("#k", KEY);
      condition = "attribute_not_exists(#k)";
    } else {
      names.put("#v", VERSION);
      values.put(":expected", AttributeValue.fromN(Long.toString(expectedVersion)));
      condition = "#v = :expected";
    }
    PutItemRequest.Builder request =
        PutItemRequest.builder()
            .tableName(table)
            .item(toItem(target, next))
            .conditionExpression(condition)
            .expressionAttributeNames(names);
    if (!values.isEmpty()) {
      request.expressionAttributeValues(values);
    }
    try {
      request.overrideConfiguration(AwsClients.within(deadline));
      client.get().putItem(request.build());
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    } catch (SdkException | AwsClients.DeadlinePassedException e) {
      throw failed("PutItem", target, e);
    }
  }

  @Override
  public String describe() {
    return "dynamodb:" + table;
  }

  private StateStoreException failed(String operation, String target, RuntimeException e) {
    return new StateStoreException(
        "DynamoDB "
            + operation
            + " of "
            + target
            + " in table "
            + table
            + " failed: "
            + e.getMessage(),
        e);
  }

  static Map<String, AttributeValue> toItem(String target, AlertState state) {
    Instant updated = state.updatedAt().orElseThrow();
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(KEY, AttributeValue.fromS(target));
    item.put(VERSION, AttributeValue.fromN(Long.toString(state.version())));
    item.put(FAILURES, AttributeValue.fromN(Integer.toString(state.failures())));
    state
        .failingSince()
        .ifPresent(t -> item.put(FAILING_SINCE, AttributeValue.fromS(t.toString())));
    item.put(OPEN, AttributeValue.fromBool(state.open()));
    state.notifiedAt().ifPresent(t -> item.put(NOTIFIED_AT, AttributeValue.fromS(t.toString())));
    state.reason().ifPresent(r -> item.put(REASON, AttributeValue.fromS(r.name())));
    item.put(UPDATED_AT, AttributeValue.fromS(updated.toString()));
    item.put(
        EXPIRES_AT,
        AttributeValue.fromN(Long.toString(updated.plus(TIME_TO_LIVE).getEpochSecond())));
    return item;
  }

  static AlertState fromItem(Map<String, AttributeValue> item, Instant now) {
    long version = number(item, VERSION).orElse(0L);
    // TTL deletes expired items only eventually; until then they must not count.
    Optional<Long> expiresAt = number(item, EXPIRES_AT);
    if (expiresAt.isPresent() && expiresAt.get() <= now.getEpochSecond()) {
      return AlertState.INITIAL.withVersion(version);
    }
    return new AlertState(
        (int) Math.max(0, Math.min(Integer.MAX_VALUE, number(item, FAILURES).orElse(0L))),
        instant(item, FAILING_SINCE),
        Optional.ofNullable(item.get(OPEN)).map(AttributeValue::bool).orElse(false),
        instant(item, NOTIFIED_AT),
        string(item, REASON).flatMap(DynamoStateStore::reason),
        instant(item, UPDATED_AT),
        version);
  }

  private static Optional<String> string(Map<String, AttributeValue> item, String name) {
    return Optional.ofNullable(item.get(name)).map(AttributeValue::s);
  }

  private static Optional<Long> number(Map<String, AttributeValue> item, String name) {
    try {
      return Optional.ofNullable(item.get(name)).map(AttributeValue::n).map(Long::valueOf);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<Instant> instant(Map<String, AttributeValue> item, String name) {
    try {
      return string(item, name).map(Instant::parse);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** A reason this version no longer knows reads as unknown rather than failing the run. */
  private static Optional<Reason> reason(String name) {
    for (Reason reason : Reason.values()) {
      if (reason.name().equals(name)) {
        return Optional.of(reason);
      }
    }
    return Optional.empty();
  }
}
