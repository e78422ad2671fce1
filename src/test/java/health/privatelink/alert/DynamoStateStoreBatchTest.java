package health.privatelink.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import health.privatelink.Deadline;
import health.privatelink.Reason;
import health.privatelink.testing.AwsTestServer.Request;
import health.privatelink.testing.DynamoDbTestServer;
import health.privatelink.testing.TestAws;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * How the store reads in batches, against {@link DynamoDbTestServer}: keys DynamoDB leaves
 * unprocessed, the 100-key limit, and a table that keeps throttling until the deadline.
 */
class DynamoStateStoreBatchTest {
  static final String TABLE = "privatelink-health-state";
  static final Instant T0 = Instant.parse("2025-06-03T14:00:00Z");

  DynamoDbTestServer server;
  DynamoDbClient client;
  DynamoStateStore store;

  @BeforeEach
  void start() {
    server = DynamoDbTestServer.start().createTable(TABLE, DynamoStateStore.KEY);
    client = TestAws.dynamoDb(server.uri());
    store = new DynamoStateStore(() -> client, TABLE);
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  static Deadline soon() {
    return Deadline.after(Duration.ofSeconds(10));
  }

  static AlertState failing(int failures) {
    return new AlertState(
        failures,
        Optional.of(T0),
        true,
        Optional.of(T0.plusSeconds(60)),
        Optional.of(Reason.NOT_PRIVATE_IP),
        Optional.of(T0.plusSeconds(120)),
        1);
  }

  static List<String> targets(int count) {
    List<String> targets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      targets.add("target-" + i);
    }
    return targets;
  }

  /** Writes a distinct state for every third target, then forgets the writes. */
  void writeEveryThird(List<String> targets) {
    for (int i = 0; i < targets.size(); i += 3) {
      assertTrue(store.replace(targets.get(i), 0, failing(1 + i), soon()), targets.get(i));
    }
    server.forgetRequests();
  }

  static void assertLoaded(List<String> targets, Map<String, AlertState> loaded) {
    assertEquals(targets, List.copyOf(loaded.keySet()));
    for (int i = 0; i < targets.size(); i++) {
      assertEquals(
          i % 3 == 0 ? failing(1 + i) : AlertState.INITIAL, loaded.get(targets.get(i)), "#" + i);
    }
  }

  static List<String> askedFor(Request request) {
    return DynamoDbTestServer.keys(request, TABLE).stream()
        .map(k -> k.path(DynamoStateStore.KEY).path("S").asText())
        .toList();
  }

  @Test
  void keysLeftUnprocessedAreAskedForAgain() {
    List<String> targets = targets(150);
    writeEveryThird(targets);
    server.leaveUnprocessed(40, 1);

    Map<String, AlertState> loaded = store.load(targets, T0.plusSeconds(180), soon());

    assertLoaded(targets, loaded);
    List<Request> calls = server.requests("BatchGetItem");
    assertEquals(3, calls.size(), "a batch, its unprocessed keys, the next batch");
    assertEquals(targets.subList(0, 100), askedFor(calls.get(0)));
    assertEquals(targets.subList(60, 100), askedFor(calls.get(1)), "the 40 left unprocessed");
    assertEquals(targets.subList(100, 150), askedFor(calls.get(2)));
    for (Request call : calls) {
      JsonNode consistent =
          ((JsonNode) call.body()).path("RequestItems").path(TABLE).path("ConsistentRead");
      assertTrue(consistent.asBoolean(), "every read, the repeated one too, is consistent");
    }
  }

  @Test
  void twoHundredFiftyTargetsTakeThreeCallsOfAtMostOneHundredKeys() {
    List<String> targets = targets(250);
    writeEveryThird(targets);

    Map<String, AlertState> loaded = store.load(targets, T0.plusSeconds(180), soon());

    assertLoaded(targets, loaded);
    List<Request> calls = server.requests("BatchGetItem");
    assertEquals(
        List.of(100, 100, 50), calls.stream().map(c -> askedFor(c).size()).toList(), "keys a call");
    assertEquals(targets, calls.stream().flatMap(c -> askedFor(c).stream()).toList());
    assertEquals(calls, server.requests(), "nothing but BatchGetItem");
  }

  @Test
  void aTargetNamedTwiceIsAskedForOnce() {
    // DynamoDB refuses a batch that names a key twice.
    List<String> targets = targets(120);
    writeEveryThird(targets);
    List<String> twice = new ArrayList<>(targets);
    twice.addAll(targets.subList(90, 110));

    Map<String, AlertState> loaded = store.load(twice, T0.plusSeconds(180), soon());

    assertLoaded(targets, loaded);
    List<Request> calls = server.requests("BatchGetItem");
    assertEquals(targets, calls.stream().flatMap(c -> askedFor(c).stream()).toList());
  }

  @Test
  void keysUnprocessedUntilTheDeadlineFailTheLoadWithinIt() {
    // One key read a call: 100 calls would be needed, the backoff between them leaves time for
    // far fewer.
    List<String> targets = targets(100);
    writeEveryThird(targets);
    server.leaveUnprocessed(Integer.MAX_VALUE, Integer.MAX_VALUE);
    Duration budget = Duration.ofMillis(1500);

    long start = System.nanoTime();
    StateStoreException e =
        assertThrows(
            StateStoreException.class,
            () -> store.load(targets, T0.plusSeconds(180), Deadline.after(budget)));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertTrue(e.getMessage().startsWith("DynamoDB BatchGetItem of "), e.getMessage());
    assertTrue(e.getMessage().contains(" in table " + TABLE + " failed: "), e.getMessage());
    assertTrue(e.getMessage().contains(" keys still unprocessed after "), e.getMessage());
    // The slack only absorbs a slow machine; the lower bound shows the store kept asking.
    assertTrue(took.compareTo(budget.plusMillis(300)) < 0, "load took " + took.toMillis() + " ms");
    assertTrue(took.compareTo(budget.dividedBy(2)) > 0, "gave up after " + took.toMillis() + " ms");
    List<Request> calls = server.requests("BatchGetItem");
    assertTrue(calls.size() >= 3, calls.size() + " calls");
    assertFalse(calls.size() >= targets.size(), calls.size() + " calls: no backoff");
    // Near the deadline the SDK may repeat a call whose attempt timed out; the first ones are
    // clear of it.
    for (int i = 1; i < 3; i++) {
      assertEquals(targets.subList(i, targets.size()), askedFor(calls.get(i)), "call #" + i);
    }
  }

  @Test
  void backOffGrowsWithJitterUpToItsCeiling() {
    for (int calls = 1; calls <= 8; calls++) {
      long ceiling = 50L << Math.min(calls - 1, 4);
      java.util.Set<Long> seen = new java.util.HashSet<>();
      for (int i = 0; i < 200; i++) {
        long wait = DynamoStateStore.backOff(calls).toMillis();
        assertTrue(wait >= ceiling / 2 && wait <= ceiling, calls + " calls: " + wait + " ms");
        seen.add(wait);
      }
      assertTrue(seen.size() > 5, "no jitter after " + calls + " calls: " + seen);
    }
  }
}
