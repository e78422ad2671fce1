package health.privatelink.alert;

import static health.privatelink.testing.TestReports.failed;
import static health.privatelink.testing.TestReports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.Deadline;
import health.privatelink.Log;
import health.privatelink.Reason;
import health.privatelink.check.Report;
import health.privatelink.run.TimePlan;
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
 * Alert state read ahead of the checks ({@link Alerter#begin}): used once, never read twice, a
 * report for targets the read did not cover reads those itself, and when the read fails or hangs
 * the run decides as it does when a read of its own fails.
 */
class AlerterStateReadTest {
  static final Instant T0 = Instant.parse("2025-06-03T14:00:00Z");
  static final AlertRules RULES = new AlertRules(2, Duration.ofMinutes(60));

  final ScriptedStore store = new ScriptedStore();
  final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  final PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
  final Alerter alerter = new Alerter(RULES, store, new LogDelivery(new Log(out)), out);

  static Deadline soon() {
    return Deadline.after(Duration.ofSeconds(5));
  }

  static Report failing(int minute, String name) {
    return report(T0.plusSeconds(60L * minute), failed(name, Reason.CONNECT_TIMEOUT));
  }

  /** One run as the pipeline makes it: begun with the read, then finished with the report. */
  AlertOutcome run(Report report, List<String> readFor) {
    AlertRun run = alerter.begin(readFor, soon());
    return run.finish(report, TimePlan.alerting(soon()));
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
  void aReportWithTargetsTheReadDidNotCoverReadsOnlyThoseItself() {
    Report first =
        report(T0, failed("a", Reason.CONNECT_TIMEOUT), failed("b", Reason.CONNECT_TIMEOUT));
    assertEquals(Optional.empty(), run(first, List.of("a", "b")).state());
    store.asked.clear();

    Report second =
        report(
            T0.plusSeconds(60),
            failed("a", Reason.CONNECT_TIMEOUT),
            failed("b", Reason.CONNECT_TIMEOUT),
            failed("c", Reason.CONNECT_TIMEOUT));
    AlertOutcome outcome = run(second, List.of("a"));

    assertEquals(List.of(List.of("a"), List.of("b", "c")), List.copyOf(store.asked));
    assertEquals(Optional.of(AlertEvent.ALARM), outcome.state(), "both reads were used");
    assertEquals(List.of("a", "b"), outcome.targets());
    assertEquals(List.of(), outcome.errors());
  }

  @Test
  void aRunIsFinishedOnce() {
    AlertRun run = alerter.begin(List.of("a"), soon());
    run.finish(failing(0, "a"), TimePlan.alerting(soon()));

    assertThrows(
        IllegalStateException.class, () -> run.finish(failing(1, "a"), TimePlan.alerting(soon())));
    assertEquals(1, store.loads.get(), "the state was read once");
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
        alerter.begin(List.of("a"), soon()).finish(failing(1, "a"), TimePlan.alerting(deadline));

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
