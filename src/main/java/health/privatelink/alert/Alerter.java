package health.privatelink.alert;

import health.privatelink.Background;
import health.privatelink.Deadline;
import health.privatelink.Failure;
import health.privatelink.Log;
import health.privatelink.check.Report;
import health.privatelink.check.Silence;
import health.privatelink.check.TargetResult;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Turns each run's report into at most one alert message: steps every target through the {@link
 * AlertRules}, claims each event with a conditional state write, and hands what it claimed to the
 * {@link Delivery}.
 *
 * <p>Only the run whose write wins may send a target's event, so overlapping runs never send it
 * twice. When the delivery fails, the claimed targets' states are put back, so the next run sends
 * the event again: a publish that SNS accepted but did not acknowledge in time can therefore repeat
 * once, which beats a lost alarm. When the state store cannot be reached, the run decides from the
 * state this process last knew, sends, and says so in the log and the outcome.
 *
 * <p>A run's alerting is begun before its checks ({@link #begin}), so the state read overlaps the
 * checks' wait on the network, and finished after them ({@link AlertRun#finish}); nothing waits
 * past the {@link AlertDeadlines} the run's time plan hands it.
 */
public final class Alerter {
  private final AlertRules rules;
  private final StateStore store;
  private final Delivery delivery;
  private final Log log;

  /** The state this process last knew per target, for when the store cannot be reached. */
  private final Map<String, Known> known = new ConcurrentHashMap<>();

  /** The silence this process last read or wrote per target, for when the store is down. */
  private final Map<String, StoredSilence> knownSilences = new ConcurrentHashMap<>();

  /** How often a silence request reads and writes again after losing to an overlapping writer. */
  static final int SILENCE_ATTEMPTS = 5;

  /**
   * @param rules when to alert
   * @param store where state lives between runs
   * @param delivery where messages go: the SNS topic, or the log when none is configured
   * @param stdout where log lines go
   */
  public Alerter(AlertRules rules, StateStore store, Delivery delivery, PrintStream stdout) {
    this.rules = Objects.requireNonNull(rules, "rules");
    this.store = Objects.requireNonNull(store, "store");
    this.delivery = Objects.requireNonNull(delivery, "delivery");
    this.log = new Log(stdout);
  }

  /**
   * Begins a run's alerting: starts reading the alert state of {@code names} on a background
   * thread, so the read overlaps the checks' wait on the network instead of following them.
   * Conditional writes keep this safe when another run writes in between.
   *
   * @param names the targets the run checks, in its order; when empty, nothing is read ahead and
   *     {@link AlertRun#finish} reads every target's state itself
   * @param deadline bounds the read; {@link AlertRun#finish} gives up on it sooner when its read
   *     time is over
   */
  public AlertRun begin(List<String> names, Deadline deadline) {
    List<String> asked = List.copyOf(names);
    if (asked.isEmpty()) {
      return new AlertRun(
          this,
          asked,
          CompletableFuture.completedFuture(AlertRun.Loaded.NOTHING),
          new AtomicReference<>());
    }
    Instant now = Instant.now();
    // A platform thread: on a cold start the read may wait on the client being built under a
    // lock, which would pin a virtual thread's carrier that the checks need.
    AtomicReference<Thread> thread = new AtomicReference<>();
    // The silences are read in the same background read: they decide this run's alerts as the
    // state does, and the checks' wait hides both.
    CompletableFuture<AlertRun.Loaded> loaded =
        Background.platform(
            "alert-state-read",
            () -> {
              thread.set(Thread.currentThread());
              Map<String, AlertState> states = store.load(asked, now, deadline);
              Map<String, StoredSilence> silences = store.loadSilences(asked, now, deadline);
              knownSilences.putAll(silences);
              return new AlertRun.Loaded(states, silences);
            });
    return new AlertRun(this, asked, loaded, thread);
  }

  /**
   * Sends a test message through the same delivery as the alerts, by {@code deadline}: touches no
   * alert state and checks nothing.
   *
   * @param origin where it is sent from, named in the subject
   */
  public TestAlert test(String origin, Deadline deadline) {
    AlertMessage message = AlertMessage.test(origin, Instant.now());
    Delivery.Sent sent = delivery.send(message, deadline);
    return new TestAlert(message.subject(), sent.delivery(), sent.messageId(), sent.error());
  }

  /** {@link AlertRun#finish}: the decision, the claims, the delivery. */
  AlertOutcome finish(AlertRun begun, Report report, AlertDeadlines deadlines) {
    Instant now = report.startedAt();
    Progress run = new Progress();

    List<String> names = report.results().stream().map(r -> r.target().name()).toList();
    Map<String, StoredSilence> silences = new LinkedHashMap<>();
    Map<String, AlertState> states = read(names, begun, now, deadlines.readBy(), run, silences);

    List<Claim> claims = new ArrayList<>();
    for (TargetResult result : report.results()) {
      String name = result.target().name();
      Transition step =
          rules.next(
              states.get(name),
              result.failure().map(Failure::reason),
              result.silenced().isPresent(),
              now);
      if (!step.changed() && step.event().isEmpty()) {
        continue; // a healthy target that stays healthy: nothing to write
      }
      if (!claim(name, step, deadlines.writeBy(), run)) {
        continue;
      }
      step.event()
          .ifPresent(
              event -> claims.add(new Claim(name, step, Notice.of(result, event, step, now))));
    }
    if (claims.isEmpty()) {
      endSilences(silences, now, deadlines.writeBy(), run);
      return new AlertOutcome(Optional.empty(), List.of(), AlertOutcome.Delivery.NONE, run.errors);
    }

    AlertMessage message = AlertMessage.of(claims.stream().map(Claim::notice).toList(), now);
    // Claimed state in the store must be put back should the delivery fail: leave time for it.
    Delivery.Sent sent =
        delivery.send(message, run.storeUp ? deadlines.publishBy() : deadlines.end());
    sent.error().ifPresent(run.errors::add);
    if (sent.delivery() == AlertOutcome.Delivery.FAILED) {
      for (Claim claim : claims) {
        release(claim, deadlines.end(), run);
      }
    }
    endSilences(silences, now, deadlines.end(), run);
    return new AlertOutcome(
        Optional.of(message.state()), message.targets(), sent.delivery(), run.errors);
  }

  /**
   * The state of {@code names}: what the begun read holds for the targets it covers, and a read of
   * its own for any it does not (a report for other targets than the run was begun for).
   */
  private Map<String, AlertState> read(
      List<String> names,
      AlertRun begun,
      Instant now,
      Deadline by,
      Progress run,
      Map<String, StoredSilence> silences) {
    Map<String, AlertState> states = new LinkedHashMap<>();
    try {
      Map<String, AlertState> stored = new LinkedHashMap<>();
      if (names.stream().anyMatch(begun::covers)) {
        AlertRun.Loaded loaded = begun.await(by);
        stored.putAll(loaded.states());
        silences.putAll(loaded.silences());
      }
      List<String> uncovered = names.stream().filter(name -> !begun.covers(name)).toList();
      if (!uncovered.isEmpty()) {
        stored.putAll(store.load(uncovered, now, by));
        Map<String, StoredSilence> read = store.loadSilences(uncovered, now, by);
        knownSilences.putAll(read);
        silences.putAll(read);
      }
      for (String name : names) {
        AlertState state = stored.getOrDefault(name, AlertState.INITIAL);
        Known mine = known.get(name);
        // What this process decided while the store was down is newer than what the store holds.
        states.put(
            name,
            mine != null && mine.unsynced() ? mine.state().withVersion(state.version()) : state);
      }
    } catch (StateStoreException e) {
      storeDown(run, e, "reading alert state failed; deciding from the state this process knows");
      for (String name : names) {
        Known mine = known.get(name);
        states.put(name, mine == null ? AlertState.INITIAL : mine.state());
      }
    }
    return states;
  }

  /** {@link AlertRun#silences}. */
  Map<String, Silence> silences(AlertRun begun, Instant now, Deadline by) {
    Map<String, StoredSilence> stored;
    try {
      stored = begun.await(by).silences();
    } catch (StateStoreException e) {
      // The alerting reports the failed read; until the store answers, silences hold as known.
      stored = knownSilences;
    }
    Map<String, Silence> active = new LinkedHashMap<>();
    for (String name : begun.names()) {
      StoredSilence silence = stored.getOrDefault(name, StoredSilence.NONE);
      silence.active(now).ifPresent(s -> active.put(name, s));
    }
    return active;
  }

  /**
   * Clears the stored silences that have ended by {@code now}: of overlapping runs, only the one
   * whose conditional clear wins logs the end, so each end is one log line.
   */
  private void endSilences(
      Map<String, StoredSilence> stored, Instant now, Deadline by, Progress run) {
    if (!run.storeUp) {
      return;
    }
    for (Map.Entry<String, StoredSilence> entry : stored.entrySet()) {
      String name = entry.getKey();
      StoredSilence silence = entry.getValue();
      if (!silence.endedBy(now)) {
        continue;
      }
      try {
        if (store.replaceSilence(name, silence.version(), Optional.empty(), now, by)) {
          knownSilences.put(name, new StoredSilence(Optional.empty(), silence.version() + 1));
          logSilence("silence ended", name, silence.silence().orElseThrow());
        }
      } catch (StateStoreException e) {
        storeDown(run, e, "clearing an ended silence failed; the next run clears it");
        return;
      }
    }
  }

  /**
   * Silences {@code targets} under {@code silence}, replacing any silence they are under, and
   * answers the silences in force among {@code all} afterwards. A write lost to an overlapping
   * writer is read and made again, so the request is never lost.
   *
   * @throws StateStoreException when the store cannot be read or written by {@code deadline}
   */
  public Map<String, Silence> silence(
      List<String> targets, Silence silence, List<String> all, Deadline deadline) {
    Instant now = Instant.now();
    for (String target : targets) {
      write(target, Optional.of(silence), now, deadline);
      logSilence("silence started", target, silence);
    }
    return silences(all, deadline);
  }

  /**
   * Ends the silences of {@code targets} and answers the silences still in force among {@code all}.
   *
   * @throws StateStoreException when the store cannot be read or written by {@code deadline}
   */
  public Map<String, Silence> unsilence(List<String> targets, List<String> all, Deadline deadline) {
    Instant now = Instant.now();
    for (String target : targets) {
      write(target, Optional.empty(), now, deadline)
          .ifPresent(ended -> logSilence("silence ended", target, ended));
    }
    return silences(all, deadline);
  }

  /**
   * The silences in force among {@code all}, read from each target's own state (no scan).
   *
   * @throws StateStoreException when the store cannot be read by {@code deadline}
   */
  public Map<String, Silence> silences(List<String> all, Deadline deadline) {
    Instant now = Instant.now();
    Map<String, Silence> active = new LinkedHashMap<>();
    Map<String, StoredSilence> stored = store.loadSilences(all, now, deadline);
    knownSilences.putAll(stored);
    stored.forEach((name, silence) -> silence.active(now).ifPresent(s -> active.put(name, s)));
    return active;
  }

  /**
   * Stores {@code next} as the target's silence, reading and writing again when an overlapping
   * writer wins.
   *
   * @return the silence it replaced, when one was in force
   */
  private Optional<Silence> write(
      String target, Optional<Silence> next, Instant now, Deadline deadline) {
    for (int attempt = 1; attempt <= SILENCE_ATTEMPTS; attempt++) {
      StoredSilence stored =
          store
              .loadSilences(List.of(target), now, deadline)
              .getOrDefault(target, StoredSilence.NONE);
      if (next.isEmpty() && stored.silence().isEmpty()) {
        return Optional.empty(); // nothing to clear
      }
      if (store.replaceSilence(target, stored.version(), next, now, deadline)) {
        knownSilences.put(target, new StoredSilence(next, stored.version() + 1));
        return stored.active(now);
      }
    }
    throw new StateStoreException(
        "the silence of "
            + target
            + " in "
            + store.describe()
            + " kept changing under "
            + SILENCE_ATTEMPTS
            + " overlapping writes; try again",
        null);
  }

  private void logSilence(String message, String target, Silence silence) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("target", target);
    fields.put("until", silence.until().toString());
    fields.put("reason", silence.reason());
    log.info(message, fields);
  }

  /** Writes the step's state; true when this run may send the step's event. */
  private boolean claim(String name, Transition step, Deadline by, Progress run) {
    if (run.storeUp) {
      try {
        if (!store.replace(name, step.prior().version(), step.next(), by)) {
          log.info(
              "alert state changed by an overlapping run; leaving this target to it",
              Map.of("target", name, "store", store.describe()));
          return false;
        }
        known.put(name, new Known(step.next(), false));
        return true;
      } catch (StateStoreException e) {
        storeDown(run, e, "writing alert state failed; deciding from the state this process knows");
      }
    }
    known.put(name, new Known(step.next(), true));
    return true;
  }

  /** Puts a claimed target back as it was, so the next run sends its event again. */
  private void release(Claim claim, Deadline by, Progress run) {
    AlertState back = claim.step().undelivered();
    if (run.storeUp) {
      try {
        store.replace(claim.target(), claim.step().next().version(), back, by);
        known.put(claim.target(), new Known(back, false));
        return;
      } catch (StateStoreException e) {
        storeDown(run, e, "putting back alert state failed; this process sends again next run");
      }
    }
    known.put(claim.target(), new Known(back, true));
  }

  private void storeDown(Progress run, StateStoreException e, String what) {
    run.storeUp = false;
    run.errors.add(e.getMessage());
    log.warn(what, Map.of("store", store.describe(), "error", String.valueOf(e.getMessage())));
  }

  /** A target whose event this run won the right to send. */
  private record Claim(String target, Transition step, Notice notice) {}

  /** A state this process holds; unsynced when decided without writing it to the store. */
  private record Known(AlertState state, boolean unsynced) {}

  /** What one run has learnt so far: errors, and whether the store still answers. */
  private static final class Progress {
    final List<String> errors = new ArrayList<>();
    boolean storeUp = true;
  }
}
