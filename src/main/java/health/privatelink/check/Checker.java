package health.privatelink.check;

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
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The orchestrator: checks every target concurrently, each on its own virtual thread, under one
 * deadline it owns, and builds the report. A check that overruns its budget is aborted and reported
 * as a timeout of the phase it was in; a check that throws is a bug of the checker and fails the
 * whole run with a {@link CheckerException}.
 */
public final class Checker {
  /** How long an aborted check may take to notice and report its own timeout. */
  private static final Duration ABORT_GRACE = Duration.ofMillis(200);

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
      Trace trace = new Trace();
      CompletableFuture<TargetResult> result =
          Background.virtual("check-" + target.name(), () -> check(target, deadline, trace));
      running.add(new Running(target, deadline, trace, result, System.nanoTime()));
    }
    List<TargetResult> results = new ArrayList<>(targets.size());
    for (Running r : running) {
      results.add(await(r));
    }
    return new Report(startedAt, Duration.ofNanos(System.nanoTime() - start), results);
  }

  private record Running(
      Target target,
      Deadline deadline,
      Trace trace,
      CompletableFuture<TargetResult> result,
      long startNanos) {}

  private static TargetResult await(Running r) {
    try {
      return r.result().get(r.deadline().remaining().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException overrun) {
      r.trace().abort();
      // The grace runs from the check's deadline, not from now: targets are awaited one after
      // the other, and each waiting its own grace would add up to one grace per target.
      long graceLeft =
          Math.max(0, r.deadline().nanoTime() + ABORT_GRACE.toNanos() - System.nanoTime());
      try {
        return r.result().get(graceLeft, TimeUnit.NANOSECONDS);
      } catch (TimeoutException stuck) {
        return timedOut(r);
      } catch (ExecutionException e) {
        throw bug(r, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return timedOut(r);
      }
    } catch (ExecutionException e) {
      throw bug(r, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      r.trace().abort();
      return timedOut(r);
    }
  }

  /**
   * A check that threw: the checker has a bug, which fails the run rather than reading as a failure
   * of the target.
   */
  private static CheckerException bug(Running r, ExecutionException e) {
    return new CheckerException("the check of " + r.target().name() + " failed", e.getCause());
  }

  /** The result of a check that did not come back even after being aborted. */
  private static TargetResult timedOut(Running r) {
    Failure failure = Timeouts.of(r.target(), r.trace());
    return new TargetResult(
        r.target(),
        Optional.of(failure),
        List.of(),
        OptionalInt.empty(),
        timings(r.trace(), System.nanoTime() - r.startNanos()),
        OptionalLong.empty(),
        Optional.empty(),
        List.of());
  }

  private TargetResult check(Target target, Deadline deadline, Trace trace) {
    long start = System.nanoTime();
    List<InetAddress> addresses = List.of();
    Optional<Failure> failure;
    ProbeResult probe = null;
    trace.dnsStarted();
    Resolution resolution = resolver.resolve(target.host(), deadline);
    if (!target.hostIsAddress() && !timedOut(resolution)) {
      // A lookup that got an answer, even NXDOMAIN, completed; one that timed out did not.
      trace.dnsDone();
    }
    switch (resolution) {
      case Resolution.Failed f -> failure = Optional.of(f.failure());
      case Resolution.Resolved ok -> {
        addresses = ok.addresses();
        failure = PrivateAddresses.check(addresses, target.expectedCidrs());
        if (failure.isEmpty()) {
          probe = prober.probe(target, addresses.getFirst(), deadline, trace);
          failure = probe.failure();
        }
      }
    }
    return new TargetResult(
        target,
        failure,
        addresses,
        probe == null ? OptionalInt.empty() : probe.status(),
        timings(trace, System.nanoTime() - start),
        probe == null ? OptionalLong.empty() : probe.certificateDaysRemaining(),
        Optional.empty(),
        List.of());
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
