package health.privatelink.check;

import health.privatelink.Addresses;
import health.privatelink.Background;
import health.privatelink.Deadline;
import health.privatelink.Failure;
import health.privatelink.Reason;
import health.privatelink.config.Target;
import health.privatelink.dns.DnsResolver;
import health.privatelink.dns.PrivateAddresses;
import health.privatelink.dns.Resolution;
import health.privatelink.probe.HttpProber;
import health.privatelink.probe.ProbeResult;
import health.privatelink.probe.Timeouts;
import health.privatelink.probe.Trace;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The orchestrator: checks every target concurrently, each on its own virtual thread, under one
 * deadline it owns, and builds the report. A target's every resolved address (the first {@link
 * Target#MAX_ADDRESSES}) is connected to at once, each on a thread of its own under the target's
 * deadline. A check that overruns its budget is aborted and reported as a timeout of the phase it
 * was in; a check that throws is a bug of the checker and fails the whole run with a {@link
 * CheckerException}.
 */
public final class Checker {
  /** How long an aborted check may take to notice and report its own timeout. */
  private static final Duration ABORT_GRACE = Duration.ofMillis(200);

  /**
   * How long a target's check waits for its aborted addresses: less than the orchestrator's grace,
   * so that the target's own result, not the orchestrator's fallback, is the one reported.
   */
  private static final Duration ADDRESS_GRACE = ABORT_GRACE.dividedBy(2);

  private final DnsResolver resolver;
  private final HttpProber prober;
  private final Clock clock;

  public Checker(DnsResolver resolver, HttpProber prober, Clock clock) {
    this.resolver = resolver;
    this.prober = prober;
    this.clock = clock;
  }

  /**
   * Checks every target once, in parallel; each gets its own {@code timeout} budget, cut short by
   * {@code runDeadline}. Returns by the run deadline plus a short grace at worst.
   */
  public Report run(List<Target> targets, Deadline runDeadline) {
    Instant startedAt = clock.instant();
    long start = System.nanoTime();
    List<Running> running = new ArrayList<>(targets.size());
    for (Target target : targets) {
      Deadline deadline = Deadline.after(target.timeout()).min(runDeadline);
      Running r = new Running(target, deadline);
      r.result = Background.virtual("check-" + target.name(), () -> check(r));
      running.add(r);
    }
    List<TargetResult> results = new ArrayList<>(targets.size());
    for (Running r : running) {
      results.add(await(r));
    }
    return new Report(startedAt, Duration.ofNanos(System.nanoTime() - start), results);
  }

  /**
   * One target's check as it runs: what the orchestrator may abort at the deadline, and what it
   * knows so far should the check not come back.
   */
  private static final class Running {
    final Target target;
    final Deadline deadline;
    final long startNanos = System.nanoTime();
    final Trace trace = new Trace();
    final List<AddressCheck> addresses = new CopyOnWriteArrayList<>();
    volatile List<InetAddress> resolved = List.of();
    volatile boolean aborted;
    CompletableFuture<TargetResult> result;

    Running(Target target, Deadline deadline) {
      this.target = target;
      this.deadline = deadline;
    }

    /** Stops the DNS query and every address's connection where they are. */
    void abort() {
      aborted = true;
      trace.abort();
      addresses.forEach(a -> a.trace().abort());
    }

    /** Keeps an address's check where {@link #abort} reaches it, even when that came first. */
    void add(AddressCheck check) {
      addresses.add(check);
      if (aborted) {
        check.trace().abort();
      }
    }
  }

  /** The connection to one resolved address, on a thread of its own. */
  private record AddressCheck(
      InetAddress address,
      Trace trace,
      CompletableFuture<EndpointResult> result,
      long startNanos) {}

  private static TargetResult await(Running r) {
    try {
      return r.result.get(r.deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException overrun) {
      r.abort();
      // The grace runs from the check's deadline, not from now: targets are awaited one after
      // the other, and each waiting its own grace would add up to one grace per target.
      long graceLeft =
          Math.max(0, r.deadline.nanoTime() + ABORT_GRACE.toNanos() - System.nanoTime());
      try {
        return r.result.get(graceLeft, TimeUnit.NANOSECONDS);
      } catch (TimeoutException stuck) {
        return timedOut(r);
      } catch (ExecutionException e) {
        throw bug(r, e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return timedOut(r);
      }
    } catch (ExecutionException e) {
      throw bug(r, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      r.abort();
      return timedOut(r);
    }
  }

  /**
   * A check that threw: the checker has a bug, which fails the run rather than reading as a failure
   * of the target.
   */
  private static CheckerException bug(Running r, Throwable cause) {
    return new CheckerException("the check of " + r.target.name() + " failed", cause);
  }

  /**
   * The result of a check that did not come back even after being aborted: what its addresses
   * found, each that did not come back either worded from its trace.
   */
  private static TargetResult timedOut(Running r) {
    List<AddressCheck> started = List.copyOf(r.addresses);
    if (started.isEmpty()) {
      return new TargetResult(
          r.target,
          Optional.of(Timeouts.of(r.target, r.trace)),
          r.resolved,
          OptionalInt.empty(),
          timings(r.trace, System.nanoTime() - r.startNanos),
          OptionalLong.empty(),
          Optional.empty(),
          List.of());
    }
    List<EndpointResult> endpoints = new ArrayList<>(started.size());
    for (AddressCheck a : started) {
      try {
        endpoints.add(endpointNow(r.target, a));
      } catch (ExecutionException e) {
        throw bug(r, e.getCause());
      }
    }
    return combine(r, endpoints);
  }

  private TargetResult check(Running r) throws Exception {
    Target target = r.target;
    r.trace.dnsStarted();
    Resolution resolution = resolver.resolve(target.host(), r.deadline);
    if (!target.hostIsAddress() && !timedOut(resolution)) {
      // A lookup that got an answer, even NXDOMAIN, completed; one that timed out did not.
      r.trace.dnsDone();
    }
    Failure failure =
        switch (resolution) {
          case Resolution.Failed f -> f.failure();
          case Resolution.Resolved ok -> {
            r.resolved = ok.addresses();
            yield PrivateAddresses.check(ok.addresses(), target.expectedCidrs()).orElse(null);
          }
        };
    if (failure != null) {
      return new TargetResult(
          target,
          Optional.of(failure),
          r.resolved,
          OptionalInt.empty(),
          timings(r.trace, System.nanoTime() - r.startNanos),
          OptionalLong.empty(),
          Optional.empty(),
          List.of());
    }
    List<InetAddress> checked = r.resolved.subList(0, checkedCount(target, r.resolved.size()));
    // One address reads as it always has; with several, the combined detail names the address.
    boolean namesAddress = checked.size() == 1;
    for (InetAddress address : checked) {
      Trace trace = Trace.ofAddress(address, namesAddress);
      long start = System.nanoTime();
      CompletableFuture<EndpointResult> result =
          Background.virtual(
              "check-" + target.name() + "-" + address.getHostAddress(),
              () -> probe(target, address, r.deadline, trace, start));
      r.add(new AddressCheck(address, trace, result, start));
    }
    return combine(r, awaitAddresses(r));
  }

  private static int checkedCount(Target target, int resolved) {
    return target.allAddresses() ? Math.min(resolved, Target.MAX_ADDRESSES) : 1;
  }

  private EndpointResult probe(
      Target target, InetAddress address, Deadline deadline, Trace trace, long start) {
    ProbeResult probe = prober.probe(target, address, deadline, trace);
    return new EndpointResult(
        address,
        Optional.empty(),
        probe.failure(),
        probe.status(),
        timings(trace, System.nanoTime() - start),
        probe.certificateDaysRemaining());
  }

  /**
   * Waits for every address of the target until its deadline, aborts those still running and gives
   * them a short grace; a hung address is then worded from its trace, so it holds neither the
   * others' results nor the run. An address whose check threw fails the target's check at once.
   */
  private static List<EndpointResult> awaitAddresses(Running r) throws Exception {
    List<AddressCheck> started = List.copyOf(r.addresses);
    CompletableFuture<Void> all = new CompletableFuture<>();
    CompletableFuture.allOf(
            started.stream().map(AddressCheck::result).toArray(CompletableFuture[]::new))
        .whenComplete((ok, error) -> all.complete(null));
    for (AddressCheck a : started) {
      a.result()
          .whenComplete((ok, error) -> {
            if (error != null) {
              all.completeExceptionally(error);
            }
          });
    }
    try {
      all.get(r.deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException overrun) {
      started.forEach(a -> a.trace().abort());
      long graceLeft =
          Math.max(0, r.deadline.nanoTime() + ADDRESS_GRACE.toNanos() - System.nanoTime());
      try {
        all.get(graceLeft, TimeUnit.NANOSECONDS);
      } catch (TimeoutException stuck) {
        // Worded from the traces below.
      }
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
    List<EndpointResult> endpoints = new ArrayList<>(started.size());
    for (AddressCheck a : started) {
      try {
        endpoints.add(endpointNow(r.target, a));
      } catch (ExecutionException e) {
        throw rethrow(e.getCause());
      }
    }
    return endpoints;
  }

  /** What an address found, or, when it has not come back, its timeout worded from its trace. */
  private static EndpointResult endpointNow(Target target, AddressCheck a)
      throws ExecutionException {
    return switch (a.result().state()) {
      case SUCCESS -> a.result().resultNow();
      case FAILED -> throw new ExecutionException(a.result().exceptionNow());
      case RUNNING, CANCELLED ->
          new EndpointResult(
              a.address(),
              Optional.empty(),
              Optional.of(Timeouts.of(target, a.trace())),
              OptionalInt.empty(),
              timings(a.trace(), System.nanoTime() - a.startNanos()),
              OptionalLong.empty());
    };
  }

  /** The bug of an address's check, thrown on as the target's check's own. */
  private static Exception rethrow(Throwable cause) {
    if (cause instanceof Error error) {
      throw error;
    }
    if (cause instanceof Exception exception) {
      return exception;
    }
    return new IllegalStateException(cause);
  }

  /**
   * The target's result from its addresses': it passes only when every address passes; its failure
   * and status are those of the first failing address in answer order (a healthy target's status is
   * its first address's); per phase, the slowest address's timing among those that completed it,
   * and the fewest certificate days.
   */
  private static TargetResult combine(Running r, List<EndpointResult> endpoints) {
    Target target = r.target;
    List<InetAddress> resolved = r.resolved;
    Optional<EndpointResult> firstFailed = endpoints.stream().filter(e -> !e.healthy()).findFirst();
    Optional<Failure> failure =
        firstFailed.map(e -> targetFailure(target, e, endpoints, resolved.size()));
    OptionalInt status =
        firstFailed
            .or(() -> endpoints.stream().findFirst())
            .map(EndpointResult::status)
            .orElse(OptionalInt.empty());
    Timings timings =
        new Timings(
            r.trace.dns(),
            slowest(endpoints, Timings::connect),
            slowest(endpoints, Timings::tls),
            slowest(endpoints, Timings::timeToFirstByte),
            Duration.ofNanos(System.nanoTime() - r.startNanos));
    OptionalLong days =
        endpoints.stream()
            .map(EndpointResult::certificateDaysRemaining)
            .filter(OptionalLong::isPresent)
            .mapToLong(OptionalLong::getAsLong)
            .min();
    return new TargetResult(
        target, failure, resolved, status, timings, days, Optional.empty(), endpoints);
  }

  /**
   * The target's failure: with one address checked, that address's as it reads; with several, the
   * address in front and how many of them failed, e.g. {@code 10.0.2.17:443 (1 of 3 addresses): no
   * TCP answer within 5000 ms}, and how many were left unchecked.
   */
  private static Failure targetFailure(
      Target target, EndpointResult failed, List<EndpointResult> endpoints, int resolved) {
    Failure failure = failed.failure().orElseThrow();
    if (endpoints.size() == 1) {
      return failure;
    }
    long failures = endpoints.stream().filter(e -> !e.healthy()).count();
    StringBuilder detail =
        new StringBuilder(Addresses.hostPort(failed.address(), target.port()))
            .append(" (")
            .append(failures)
            .append(" of ")
            .append(endpoints.size())
            .append(" addresses): ")
            .append(failure.detail());
    int unchecked = resolved - endpoints.size();
    if (target.allAddresses() && unchecked > 0) {
      detail
          .append("; ")
          .append(unchecked)
          .append(unchecked == 1 ? " address" : " addresses")
          .append(" past the first ")
          .append(Target.MAX_ADDRESSES)
          .append(" not checked");
    }
    return new Failure(failure.reason(), detail.toString());
  }

  private static Optional<Duration> slowest(
      List<EndpointResult> endpoints, Function<Timings, Optional<Duration>> phase) {
    return endpoints.stream()
        .map(e -> phase.apply(e.timings()))
        .flatMap(Optional::stream)
        .max(Comparator.naturalOrder());
  }

  private static boolean timedOut(Resolution resolution) {
    return resolution instanceof Resolution.Failed f && f.failure().reason() == Reason.DNS_TIMEOUT;
  }

  private static Timings timings(Trace trace, long totalNanos) {
    return new Timings(
        trace.dns(),
        trace.connect(),
        trace.tls(),
        trace.timeToFirstByte(),
        Duration.ofNanos(totalNanos));
  }
}
