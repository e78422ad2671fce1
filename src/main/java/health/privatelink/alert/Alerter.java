package health.privatelink.alert;

import health.privatelink.Background;
import health.privatelink.Deadline;
import health.privatelink.Durations;
import health.privatelink.Failure;
import health.privatelink.Log;
import health.privatelink.aws.CallLimits;
import health.privatelink.aws.Lazy;
import health.privatelink.check.Report;
import health.privatelink.check.TargetResult;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishResponse;

/**
 * Turns each run's report into at most one alert message: steps every target through the {@link
 * AlertRules}, claims each event with a conditional state write, and publishes what it claimed.
 *
 * <p>Only the run whose write wins may send a target's event, so overlapping runs never send it
 * twice. When the publish fails, the claimed targets' states are put back, so the next run sends
 * the event again: a publish that SNS accepted but did not acknowledge in time can therefore repeat
 * once, which beats a lost alarm. When the state store cannot be reached, the run decides from the
 * state this process last knew, sends, and says so in the log and the outcome.
 *
 * <p>Nothing here waits past the deadline: reading state may use a quarter of the time left,
 * writing it the next quarter, and publishing the rest.
 */
public final class Alerter {
  /** At most this much of the budget is kept back for writing the outcome after the calls. */
  static final Duration FINISH_MARGIN = Duration.ofMillis(100);

  private final AlertRules rules;
  private final StateStore store;
  private final Optional<String> topicArn;
  private final Supplier<SnsClient> sns;
  private final Log log;

  /** The state this process last knew per target, for when the store cannot be reached. */
  private final Map<String, Known> known = new ConcurrentHashMap<>();

  /**
   * @param rules when to alert
   * @param store where state lives between runs
   * @param topicArn the SNS topic; empty: messages are only logged
   * @param sns the SNS client, asked for only when a message is published
   * @param stdout where log lines go
   */
  public Alerter(
      AlertRules rules,
      StateStore store,
      Optional<String> topicArn,
      Supplier<SnsClient> sns,
      PrintStream stdout) {
    this.rules = Objects.requireNonNull(rules, "rules");
    this.store = Objects.requireNonNull(store, "store");
    this.topicArn = Objects.requireNonNull(topicArn, "topicArn");
    this.sns = new Lazy<>(Objects.requireNonNull(sns, "sns"));
    this.log = new Log(stdout);
  }

  /**
   * Starts reading the targets' alert state on a background thread, for {@link #process(Report,
   * Deadline, Optional)} to pick up: the read then overlaps the checks' wait on the network instead
   * of following them. Conditional writes keep this safe when another run writes in between.
   *
   * @param names the targets the run checks, in its order
   * @param deadline bounds the read; {@code process} gives up on it sooner when its own read time
   *     is over
   */
  public StateRead startRead(List<String> names, Deadline deadline) {
    List<String> asked = List.copyOf(names);
    Instant now = Instant.now();
    // A platform thread: on a cold start the read may wait on the client being built under a
    // lock, which would pin a virtual thread's carrier that the checks need.
    AtomicReference<Thread> thread = new AtomicReference<>();
    CompletableFuture<Map<String, AlertState>> loaded =
        Background.platform(
            "alert-state-read",
            () -> {
              thread.set(Thread.currentThread());
              return store.load(asked, now, deadline);
            });
    return new StateRead(asked, loaded, thread);
  }

  /** A read of alert state started by {@link #startRead}. */
  public static final class StateRead {
    private final List<String> names;
    private final CompletableFuture<Map<String, AlertState>> loaded;
    private final AtomicReference<Thread> thread;

    private StateRead(
        List<String> names,
        CompletableFuture<Map<String, AlertState>> loaded,
        AtomicReference<Thread> thread) {
      this.names = names;
      this.loaded = loaded;
      this.thread = thread;
    }

    private void interrupt() {
      Thread reading = thread.get();
      if (reading != null) {
        reading.interrupt();
      }
    }

    /**
     * The state read, waiting for it until {@code by}; a read not done by then is interrupted.
     *
     * @throws StateStoreException when the read failed or did not finish in time
     */
    Map<String, AlertState> await(Deadline by) {
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
  }

  /** Decides, sends and records this run's alert; never throws for a store or SNS failure. */
  public AlertOutcome process(Report report, Deadline deadline) {
    return process(report, deadline, Optional.empty());
  }

  /**
   * As {@link #process(Report, Deadline)}, with the state read by {@code started} when it was
   * started for exactly the report's targets; otherwise the state is read here.
   */
  public AlertOutcome process(Report report, Deadline deadline, Optional<StateRead> started) {
    Instant now = report.startedAt();
    // Calls end a little early, so the log lines and the return still fit before the deadline.
    Deadline end = deadline.minus(Durations.min(deadline.remaining().dividedBy(20), FINISH_MARGIN));
    Duration budget = end.remaining();
    Deadline readBy = end.min(Deadline.after(budget.dividedBy(4)));
    Deadline writeBy = end.min(Deadline.after(budget.dividedBy(2)));
    Run run = new Run(new ArrayList<>(), true);

    List<String> names = report.results().stream().map(r -> r.target().name()).toList();
    Map<String, AlertState> states =
        read(names, started.filter(r -> r.names.equals(names)), now, readBy, run);

    List<Claim> claims = new ArrayList<>();
    for (TargetResult result : report.results()) {
      String name = result.target().name();
      Transition step = rules.next(states.get(name), result.failure().map(Failure::reason), now);
      if (!step.changed() && step.event().isEmpty()) {
        continue; // a healthy target that stays healthy: nothing to write
      }
      if (!claim(name, step, writeBy, run)) {
        continue;
      }
      step.event()
          .ifPresent(
              event -> claims.add(new Claim(name, step, Notice.of(result, event, step, now))));
    }
    if (claims.isEmpty()) {
      return new AlertOutcome(Optional.empty(), List.of(), AlertOutcome.Delivery.NONE, run.errors);
    }

    AlertMessage message = AlertMessage.of(claims.stream().map(Claim::notice).toList(), now);
    AlertOutcome.Delivery delivery = deliver(message, end, run);
    if (delivery == AlertOutcome.Delivery.FAILED) {
      for (Claim claim : claims) {
        release(claim, end, run);
      }
    }
    return new AlertOutcome(Optional.of(message.state()), message.targets(), delivery, run.errors);
  }

  private Map<String, AlertState> read(
      List<String> names, Optional<StateRead> started, Instant now, Deadline by, Run run) {
    Map<String, AlertState> states = new LinkedHashMap<>();
    try {
      Map<String, AlertState> stored =
          started.isPresent() ? started.get().await(by) : store.load(names, now, by);
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

  /** Writes the step's state; true when this run may send the step's event. */
  private boolean claim(String name, Transition step, Deadline by, Run run) {
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
  private void release(Claim claim, Deadline by, Run run) {
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

  private AlertOutcome.Delivery deliver(AlertMessage message, Deadline deadline, Run run) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("state", message.state().name());
    fields.put("targets", message.targets());
    fields.put("reasons", message.reasons());
    fields.put("subject", message.subject());
    if (topicArn.isEmpty()) {
      fields.put("body", message.body());
      Map<String, String> attributes = new LinkedHashMap<>();
      message.attributes().forEach((name, attribute) -> attributes.put(name, attribute.value()));
      fields.put("attributes", attributes);
      log.info("alert (ALERT_TOPIC_ARN is unset, so it is only logged)", fields);
      return AlertOutcome.Delivery.LOGGED;
    }
    fields.put("topicArn", topicArn.get());
    // Leave time to put the claimed state back should the publish fail.
    Deadline publishBy = run.storeUp ? deadline.minus(deadline.remaining().dividedBy(5)) : deadline;
    // Bounded before the client is asked for: building it on a cold start takes time too.
    Optional<AwsRequestOverrideConfiguration> within = CallLimits.within(publishBy);
    String failure = CallLimits.NO_TIME_LEFT;
    try {
      if (within.isPresent()) {
        PublishResponse response = publish(topicArn.get(), message, within.get());
        fields.put("messageId", response.messageId());
        log.info("alert published", fields);
        return AlertOutcome.Delivery.PUBLISHED;
      }
    } catch (SdkException e) {
      failure = e.getMessage();
    }
    String error = "SNS Publish to " + topicArn.get() + " failed: " + failure;
    run.errors.add(error);
    fields.put("error", error);
    fields.put("body", message.body());
    log.error("alert not delivered; the next run sends it again", fields);
    return AlertOutcome.Delivery.FAILED;
  }

  private PublishResponse publish(
      String topic, AlertMessage message, AwsRequestOverrideConfiguration within) {
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    message
        .attributes()
        .forEach((name, attribute) ->
            attributes.put(
                name,
                MessageAttributeValue.builder()
                    .dataType(attribute.dataType())
                    .stringValue(attribute.value())
                    .build()));
    return sns.get()
        .publish(b ->
            b.topicArn(topic)
                .subject(message.subject())
                .message(message.body())
                .messageAttributes(attributes)
                .overrideConfiguration(within));
  }

  private void storeDown(Run run, StateStoreException e, String what) {
    run.storeUp = false;
    run.errors.add(e.getMessage());
    log.warn(what, Map.of("store", store.describe(), "error", String.valueOf(e.getMessage())));
  }

  /** A target whose event this run won the right to send. */
  private record Claim(String target, Transition step, Notice notice) {}

  /** A state this process holds; unsynced when decided without writing it to the store. */
  private record Known(AlertState state, boolean unsynced) {}

  /** What one run has learnt so far: errors, and whether the store still answers. */
  private static final class Run {
    final List<String> errors;
    boolean storeUp;

    Run(List<String> errors, boolean storeUp) {
      this.errors = errors;
      this.storeUp = storeUp;
    }
  }
}
