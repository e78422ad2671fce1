package health.privatelink.alert;

import health.privatelink.Deadline;
import health.privatelink.check.Report;
import health.privatelink.check.Silence;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One run's alerting, begun by {@link Alerter#begin} before the checks, with the alert state of the
 * targets it was begun for being read in the background, and finished once by {@link
 * #finish(Report, AlertDeadlines)} with the run's report.
 */
public final class AlertRun {
  private final Alerter alerter;
  private final List<String> names;
  private final CompletableFuture<Loaded> loaded;
  private final AtomicReference<Thread> thread;
  private final AtomicBoolean finished = new AtomicBoolean();

  AlertRun(
      Alerter alerter,
      List<String> names,
      CompletableFuture<Loaded> loaded,
      AtomicReference<Thread> thread) {
    this.alerter = alerter;
    this.names = List.copyOf(names);
    this.loaded = loaded;
    this.thread = thread;
  }

  /**
   * Decides, sends and records this run's alert; never throws for a store or delivery failure. The
   * state of a target the run was not begun for is read here, within {@code deadlines.readBy()}.
   *
   * @throws IllegalStateException when the run was finished already
   */
  public AlertOutcome finish(Report report, AlertDeadlines deadlines) {
    Objects.requireNonNull(report, "report");
    Objects.requireNonNull(deadlines, "deadlines");
    if (!finished.compareAndSet(false, true)) {
      throw new IllegalStateException("this run's alerting was finished already");
    }
    return alerter.finish(this, report, deadlines);
  }

  /** What the begun read holds: the alert state and the stored silence of each target. */
  record Loaded(Map<String, AlertState> states, Map<String, StoredSilence> silences) {
    static final Loaded NOTHING = new Loaded(Map.of(), Map.of());
  }

  /**
   * The silences in force at {@code now} of the targets the run was begun for, from the same read
   * as their alert state, waited for until {@code by}; when that read fails, the silences this
   * process last knew. Never throws for a store failure: the alerting reports it.
   */
  public Map<String, Silence> silences(Instant now, Deadline by) {
    return alerter.silences(this, now, by);
  }

  /** The targets the run was begun for, in its order. */
  List<String> names() {
    return names;
  }

  /** Whether the read begun with the run covers {@code target}. */
  boolean covers(String target) {
    return names.contains(target);
  }

  /**
   * The state read in the background, waiting for it until {@code by}; a read not done by then is
   * interrupted.
   *
   * @throws StateStoreException when the read failed or did not finish in time
   */
  Loaded await(Deadline by) {
    try {
      return loaded.get(Math.max(0, by.remaining().toNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      interrupt();
      throw new StateStoreException("reading alert state did not finish in time", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StateStoreException failed) {
        throw failed;
      }
      throw new StateStoreException("reading alert state failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      interrupt();
      throw new StateStoreException("interrupted while reading alert state", e);
    }
  }

  private void interrupt() {
    Thread reading = thread.get();
    if (reading != null) {
      reading.interrupt();
    }
  }
}
