package health.privatelink.alert;

import health.privatelink.Deadline;
import health.privatelink.Reason;
import health.privatelink.aws.CallLimits;
import health.privatelink.check.Silence;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
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
 *
 * <p>A target's silence lives in an item of its own, under the key {@code silence#<target>} (a
 * target name cannot hold {@code #}, so the keys never meet): {@code version} (N, its own, bumped
 * by every silence write), {@code until} (S, ISO-8601) and {@code silenceReason} (S), both absent
 * once cleared, {@code updatedAt} and {@code expiresAt} ({@link #TIME_TO_LIVE} after the end or the
 * clear). Separate items rather than attributes of the alert item: the alert writes replace their
 * whole item (PutItem), and so may keep doing so without ever touching a silence, a silence write
 * never touches alert state, and each is conditional on its own version. The silences are read with
 * BatchGetItem like the alert state, in the same background read, so no call is added.
 */
public final class DynamoStateStore implements StateStore {
  /** Every DynamoDB call this store makes: the function's role allows exactly these. */
  public static final List<String> CALLS = List.of("BatchGetItem", "PutItem");

  /** How long an item outlives its last write. Targets still configured rewrite theirs. */
  public static final Duration TIME_TO_LIVE = Duration.ofDays(7);

  /**
   * Below this much time left, unprocessed keys are not asked for again: the call could not end.
   */
  static final Duration MIN_CALL_TIME = Duration.ofMillis(50);

  /** DynamoDB's limit on the keys in one BatchGetItem. */
  static final int MAX_KEYS_PER_BATCH = 100;

  static final String KEY = "target";
  static final String VERSION = "version";
  static final String FAILURES = "failures";
  static final String FAILING_SINCE = "failingSince";
  static final String OPEN = "alertOpen";
  static final String NOTIFIED_AT = "notifiedAt";
  static final String REASON = "reason";
  static final String UPDATED_AT = "updatedAt";
  static final String EXPIRES_AT = "expiresAt";
  static final String SILENCE_PREFIX = "silence#";
  static final String UNTIL = "until";
  static final String SILENCE_REASON = "silenceReason";

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
    Map<String, Map<String, AttributeValue>> items = read(targets, "", deadline);
    for (String target : new LinkedHashSet<>(targets)) {
      Map<String, AttributeValue> item = items.get(target);
      loaded.put(target, item == null ? AlertState.INITIAL : fromItem(item, now));
    }
    return loaded;
  }

  @Override
  public Map<String, StoredSilence> loadSilences(
      Collection<String> targets, Instant now, Deadline deadline) {
    Map<String, StoredSilence> loaded = new LinkedHashMap<>();
    Map<String, Map<String, AttributeValue>> items = read(targets, SILENCE_PREFIX, deadline);
    for (String target : new LinkedHashSet<>(targets)) {
      Map<String, AttributeValue> item = items.get(SILENCE_PREFIX + target);
      loaded.put(target, item == null ? StoredSilence.NONE : silenceFromItem(item, now));
    }
    return loaded;
  }

  /** The items under {@code prefix + target} of each target, by key, in batches. */
  private Map<String, Map<String, AttributeValue>> read(
      Collection<String> targets, String prefix, Deadline deadline) {
    Map<String, Map<String, AttributeValue>> items = new HashMap<>();
    List<String> all =
        new LinkedHashSet<>(targets).stream().map(target -> prefix + target).toList();
    for (int from = 0; from < all.size(); from += MAX_KEYS_PER_BATCH) {
      items.putAll(
          batchGet(all.subList(from, Math.min(all.size(), from + MAX_KEYS_PER_BATCH)), deadline));
    }
    return items;
  }

  /**
   * Reads up to {@value #MAX_KEYS_PER_BATCH} items in one BatchGetItem, asking again for the keys
   * DynamoDB left unprocessed (throttling, size) after a jittered, doubling backoff, for as long as
   * the deadline leaves room for another call.
   *
   * @return the items found, by key; a key without an item is absent
   */
  private Map<String, Map<String, AttributeValue>> batchGet(List<String> batch, Deadline deadline) {
    Map<String, Map<String, AttributeValue>> found = new HashMap<>();
    List<Map<String, AttributeValue>> keys =
        batch.stream().map(t -> Map.of(KEY, AttributeValue.fromS(t))).toList();
    for (int calls = 1; ; calls++) {
      BatchGetItemResponse response;
      // Bounded before the client is asked for: building it on a cold start takes time too.
      Optional<AwsRequestOverrideConfiguration> within = CallLimits.within(deadline);
      if (within.isEmpty()) {
        throw failed("BatchGetItem", describeKeys(keys), CallLimits.NO_TIME_LEFT, null);
      }
      try {
        List<Map<String, AttributeValue>> asked = keys;
        response =
            client
                .get()
                .batchGetItem(b ->
                    b.requestItems(
                            Map.of(
                                table,
                                KeysAndAttributes.builder()
                                    .keys(asked)
                                    .consistentRead(true)
                                    .build()))
                        .overrideConfiguration(within.get()));
      } catch (SdkException e) {
        throw failed("BatchGetItem", describeKeys(keys), e);
      }
      for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
        string(item, KEY).ifPresent(target -> found.put(target, item));
      }
      KeysAndAttributes unprocessed = response.unprocessedKeys().get(table);
      keys = unprocessed == null || !unprocessed.hasKeys() ? List.of() : unprocessed.keys();
      if (keys.isEmpty()) {
        return found;
      }
      Duration wait = backOff(calls);
      if (deadline.remaining().compareTo(wait.plus(MIN_CALL_TIME)) < 0) {
        throw new StateStoreException(
            "DynamoDB BatchGetItem of "
                + describeKeys(keys)
                + " in table "
                + table
                + " failed: "
                + keys.size()
                + " keys still unprocessed after "
                + calls
                + " calls (throttled), and no time left to ask again",
            null);
      }
      sleep(wait);
    }
  }

  /**
   * The wait before asking again for unprocessed keys: a random time between half and all of a
   * ceiling that starts at 50 ms and doubles up to 800 ms, so that overlapping runs do not ask
   * again in step.
   */
  static Duration backOff(int calls) {
    long ceiling = 50L << Math.min(calls - 1, 4);
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
  }

  private static void sleep(Duration wait) {
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StateStoreException("interrupted while reading alert state", e);
    }
  }

  private static String describeKeys(List<Map<String, AttributeValue>> keys) {
    List<String> names = keys.stream().map(k -> k.get(KEY).s()).toList();
    return names.size() <= 3
        ? String.join(", ", names)
        : String.join(", ", names.subList(0, 3)) + " and " + (names.size() - 3) + " more";
  }

  @Override
  public boolean replace(String target, long expectedVersion, AlertState next, Deadline deadline) {
    return put(target, expectedVersion, toItem(target, next), deadline);
  }

  @Override
  public boolean replaceSilence(
      String target, long expectedVersion, Optional<Silence> next, Instant now, Deadline deadline) {
    return put(
        SILENCE_PREFIX + target,
        expectedVersion,
        silenceItem(target, new StoredSilence(next, expectedVersion + 1), now),
        deadline);
  }

  /** Writes the whole item under {@code key} if its version is still {@code expectedVersion}. */
  private boolean put(
      String key, long expectedVersion, Map<String, AttributeValue> item, Deadline deadline) {
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
            .item(item)
            .conditionExpression(condition)
            .expressionAttributeNames(names);
    if (!values.isEmpty()) {
      request.expressionAttributeValues(values);
    }
    Optional<AwsRequestOverrideConfiguration> within = CallLimits.within(deadline);
    if (within.isEmpty()) {
      throw failed("PutItem", key, CallLimits.NO_TIME_LEFT, null);
    }
    try {
      request.overrideConfiguration(within.get());
      client.get().putItem(request.build());
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    } catch (SdkException e) {
      throw failed("PutItem", key, e);
    }
  }

  @Override
  public String describe() {
    return "dynamodb:" + table;
  }

  private StateStoreException failed(String operation, String target, RuntimeException e) {
    return failed(operation, target, e.getMessage(), e);
  }

  private StateStoreException failed(
      String operation, String target, String why, RuntimeException cause) {
    return new StateStoreException(
        "DynamoDB " + operation + " of " + target + " in table " + table + " failed: " + why,
        cause);
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

  static Map<String, AttributeValue> silenceItem(String target, StoredSilence stored, Instant now) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(KEY, AttributeValue.fromS(SILENCE_PREFIX + target));
    item.put(VERSION, AttributeValue.fromN(Long.toString(stored.version())));
    Instant last = now;
    if (stored.silence().isPresent()) {
      Silence silence = stored.silence().get();
      item.put(UNTIL, AttributeValue.fromS(silence.until().toString()));
      item.put(SILENCE_REASON, AttributeValue.fromS(silence.reason()));
      last = silence.until().isAfter(now) ? silence.until() : now;
    }
    item.put(UPDATED_AT, AttributeValue.fromS(now.toString()));
    item.put(
        EXPIRES_AT, AttributeValue.fromN(Long.toString(last.plus(TIME_TO_LIVE).getEpochSecond())));
    return item;
  }

  static StoredSilence silenceFromItem(Map<String, AttributeValue> item, Instant now) {
    long version = number(item, VERSION).orElse(0L);
    Optional<Long> expiresAt = number(item, EXPIRES_AT);
    if (expiresAt.isPresent() && expiresAt.get() <= now.getEpochSecond()) {
      return new StoredSilence(Optional.empty(), version);
    }
    Optional<Instant> until = instant(item, UNTIL);
    Optional<String> reason = string(item, SILENCE_REASON);
    return new StoredSilence(
        until.isPresent() && reason.isPresent()
            ? Optional.of(new Silence(until.get(), reason.get()))
            : Optional.empty(),
        version);
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
