package health.privatelink.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.Deadline;
import health.privatelink.Reason;
import health.privatelink.testing.MotoStateTable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The DynamoDB store against moto on loopback: item layout, conditional writes, expiry. */
class DynamoStateStoreIT {
  static final String TABLE = "privatelink-health-state";
  static final Instant T0 = Instant.parse("2025-06-03T14:00:00Z");
  @RegisterExtension static final MotoStateTable STATE = new MotoStateTable(TABLE);

  final DynamoStateStore store = new DynamoStateStore(STATE::client, TABLE);
  final String target = "t-" + UUID.randomUUID();

  static Deadline soon() {
    return Deadline.after(Duration.ofSeconds(10));
  }

  static AlertState open(long version) {
    return new AlertState(
        3,
        Optional.of(T0),
        true,
        Optional.of(T0.plusSeconds(60)),
        Optional.of(Reason.NOT_PRIVATE_IP),
        Optional.of(T0.plusSeconds(120)),
        version);
  }

  @Test
  void aTargetNeverWrittenReadsAsInitial() {
    assertEquals(Map.of(target, AlertState.INITIAL), store.load(List.of(target), T0, soon()));
  }

  @Test
  void oneItemPerTargetWithTheDocumentedAttributes() {
    assertTrue(store.replace(target, 0, open(1), soon()));

    Map<String, AttributeValue> item =
        STATE
            .client()
            .getItem(b -> b.tableName(TABLE).key(Map.of("target", AttributeValue.fromS(target))))
            .item();
    assertEquals(
        Map.of(
            "target", AttributeValue.fromS(target),
            "version", AttributeValue.fromN("1"),
            "failures", AttributeValue.fromN("3"),
            "failingSince", AttributeValue.fromS("2025-06-03T14:00:00Z"),
            "alertOpen", AttributeValue.fromBool(true),
            "notifiedAt", AttributeValue.fromS("2025-06-03T14:01:00Z"),
            "reason", AttributeValue.fromS("NOT_PRIVATE_IP"),
            "updatedAt", AttributeValue.fromS("2025-06-03T14:02:00Z"),
            "expiresAt",
                AttributeValue.fromN(
                    Long.toString(T0.plusSeconds(120).plus(Duration.ofDays(7)).getEpochSecond()))),
        item);
    assertEquals(Map.of(target, open(1)), store.load(List.of(target), T0.plusSeconds(180), soon()));
  }

  @Test
  void readsMoreTargetsThanOneBatchHoldsInTheirOrder() {
    // 250 targets: three BatchGetItem calls of at most 100 keys; every third one has an item.
    List<String> targets = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      targets.add(target + "-" + i);
    }
    for (int i = 0; i < targets.size(); i += 3) {
      assertTrue(store.replace(targets.get(i), 0, open(1), soon()));
    }

    Map<String, AlertState> loaded = store.load(targets, T0.plusSeconds(180), soon());

    assertEquals(targets, List.copyOf(loaded.keySet()));
    for (int i = 0; i < targets.size(); i++) {
      assertEquals(i % 3 == 0 ? open(1) : AlertState.INITIAL, loaded.get(targets.get(i)), "#" + i);
    }
  }

  @Test
  void writesOnlyOverTheVersionThatWasRead() {
    assertTrue(store.replace(target, 0, open(1), soon()));
    assertFalse(store.replace(target, 0, open(1), soon()), "created twice");
    assertFalse(store.replace(target, 2, open(3), soon()), "a version never read");
    assertTrue(store.replace(target, 1, open(2), soon()));
    assertFalse(store.replace(target, 1, open(2), soon()), "the same version written twice");
    assertEquals(2, store.load(List.of(target), T0, soon()).get(target).version());
  }

  @Test
  void anExpiredItemReadsAsInitialButKeepsItsVersionForTheNextWrite() {
    assertTrue(store.replace(target, 0, open(1), soon()));
    Instant expired = T0.plusSeconds(120).plus(Duration.ofDays(7));

    AlertState read = store.load(List.of(target), expired, soon()).get(target);
    assertTrue(read.sameAs(AlertState.INITIAL), read.toString());
    assertEquals(1, read.version());
    assertTrue(store.replace(target, read.version(), open(2), soon()));
  }

  @Test
  void aMissingTableIsAStoreErrorNamingTheTable() {
    DynamoStateStore missing = new DynamoStateStore(STATE::client, "no-such-table");
    StateStoreException e =
        assertThrows(StateStoreException.class, () -> missing.load(List.of(target), T0, soon()));
    assertTrue(
        e.getMessage().contains("BatchGetItem of " + target + " in table no-such-table"),
        e.getMessage());
  }

  @Test
  void anExpiredDeadlineFailsWithoutACall() {
    StateStoreException e =
        assertThrows(
            StateStoreException.class,
            () -> store.replace(target, 0, open(1), Deadline.after(Duration.ZERO)));
    assertTrue(e.getMessage().contains("no time left"), e.getMessage());
  }
}
