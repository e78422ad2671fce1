package health.privatelink.alert;

import static health.privatelink.testing.TestReports.failed;
import static health.privatelink.testing.TestReports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.Deadline;
import health.privatelink.Reason;
import health.privatelink.check.Report;
import health.privatelink.testing.ForwardingStateStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Alert state read ahead of the checks ({@link Alerter#startRead}): used once, never read twice,
 * and when it fails or hangs the run decides as it does when a read of its own fails.
 */
class AlerterStateReadTest {
  static final Instant T0 = Instant.parse("2025-06-03T14:00:00Z");
  static final AlertRules RULES = new AlertRules(2, Duration.ofMinutes(60));

  final ScriptedStore store = new ScriptedStore();
  final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  final Alerter alerter =
      new Alerter(
          RULES,
          store,
          Optional.empty(),
          () -> {
            throw new AssertionError("no SNS client without a topic");
          },
          new PrintStream(stdout, true, StandardCharsets.UTF_8));

  static Deadline soon() {
    return Deadline.after(Duration.ofSeconds(5));
  }

  static Report failing(int minute, String name) {
    return report(T0.plusSeconds(60L * minute), failed(name, Reason.CONNECT_TIMEOUT));
  }

  /** One run as the pipeline makes it: the read started first, then the report processed. */
  AlertOutcome run(Report report, List<String> readFor) {
    Alerter.StateRead read = alerter.startRead(readFor, soon());
    return alerter.process(report, soon(), Optional.of(read));
  }

  @Test
  void aReadStartedAheadIsUsedAndTheStateIsNotReadAgain() {
    assertEquals(Optional.empty(), run(failing(0, "a"), List.of("a")).state());
    AlertOutcome second = run(failing(1, "a"), List.of("a"));

    assertEquals(Optional.of(AlertEvent.ALARM), second.state(), "the first failure was read back");
    assertEquals(List.of(), second.errors());
    assertEquals(2, store.loads.get(), "one read a run");
  }

  @Test
  void aReadStartedForOtherTargetsIsNotUsed() throws InterruptedException {
    AlertOutcome outcome = run(failing(0, "a"), List.of("b"));

    assertEquals(List.of(), outcome.errors());
    // The unused read runs on its own thread and may end after the run's own read.
    for (int i = 0; i < 500 && store.asked.size() < 2; i++) {
      Thread.sleep(10);
    }
    assertEquals(Set.of(List.of("a"), List.of("b")), Set.copyOf(store.asked));
    assertEquals(2, store.asked.size(), "the run read its targets itself, once");
  }

  @Test
  void aFailedReadAheadDecidesFromTheStateThisProcessKnows() {
    run(failing(0, "a"), List.of("a"));
    store.failWith = new StateStoreException("DynamoDB BatchGetItem of a failed: down", null);

    AlertOutcome second = run(failing(1, "a"), List.of("a"));

    assertEquals(Optional.of(AlertEvent.ALARM), second.state(), "decided from the known state");
    assertTrue(second.errors().getFirst().contains("failed: down"), second.errors().toString());
    assertTrue(stdout.toString(StandardCharsets.UTF_8).contains("reading alert state failed"));
  }

  @Test
  void aReadAheadStillRunningWhenItsTimeIsUpIsLeftAndInterrupted() throws Exception {
    run(failing(0, "a"), List.of("a"));
    store.block = true;
    Deadline deadline = Deadline.after(Duration.ofMillis(800));
    long start = System.nanoTime();

    AlertOutcome second =
        alerter.process(
            failing(1, "a"), deadline, Optional.of(alerter.startRead(List.of("a"), soon())));

    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMs < 800 + 500, "process took " + tookMs + " ms");
    assertEquals(Optional.of(AlertEvent.ALARM), second.state(), "decided from the known state");
    assertTrue(
        second.errors().getFirst().contains("did not finish in time"), second.errors().toString());
    assertTrue(store.interrupted.await(5, TimeUnit.SECONDS), "the hung read was not interrupted");
  }

  /** A store in memory whose reads are counted and can be made to fail or hang. */
  private static final class ScriptedStore extends ForwardingStateStore {
    final AtomicInteger loads = new AtomicInteger();
    final List<List<String>> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    final CountDownLatch interrupted = new CountDownLatch(1);
    volatile RuntimeException failWith;
    volatile boolean block;

    ScriptedStore() {
      super(new MemoryStateStore());
    }

    @Override
    public Map<String, AlertState> load(
        Collection<String> targets, Instant now, Deadline deadline) {
      loads.incrementAndGet();
      asked.add(List.copyOf(targets));
      if (block) {
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          interrupted.countDown();
          throw new StateStoreException("interrupted", e);
        }
      }
      if (failWith != null) {
        throw failWith;
      }
      return super.load(targets, now, deadline);
    }

    @Override
    public String describe() {
      return "scripted";
    }
  }
}
