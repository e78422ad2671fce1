package health.privatelink.check;

import health.privatelink.Failure;
import health.privatelink.config.Target;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The outcome of checking one target once.
 *
 * @param target what was checked
 * @param failure why it failed; empty when healthy
 * @param addresses what the name resolved to, in the resolver's order
 * @param status the HTTP status, when an answer arrived
 * @param timings each phase that completed
 * @param certificateDaysRemaining whole days left on the server certificate, when TLS completed
 * @param diagnosis one sentence on the cause, for a failed target whose endpoint was looked up
 * @param endpoints one per address connected to, in answer order; empty after a DNS failure or
 *     {@code NOT_PRIVATE_IP}
 * @param silenced the silence the target is under this run, if any: it changes alerting only
 */
public record TargetResult(
    Target target,
    Optional<Failure> failure,
    List<InetAddress> addresses,
    OptionalInt status,
    Timings timings,
    OptionalLong certificateDaysRemaining,
    Optional<String> diagnosis,
    List<EndpointResult> endpoints,
    Optional<Silence> silenced) {

  public TargetResult {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(failure, "failure");
    addresses = List.copyOf(addresses);
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(timings, "timings");
    Objects.requireNonNull(certificateDaysRemaining, "certificateDaysRemaining");
    Objects.requireNonNull(diagnosis, "diagnosis");
    endpoints = List.copyOf(endpoints);
    Objects.requireNonNull(silenced, "silenced");
  }

  public boolean healthy() {
    return failure.isEmpty();
  }

  /** The same result with a diagnosis attached. */
  public TargetResult withDiagnosis(String sentence) {
    return withDiagnosis(sentence, Map.of());
  }

  /**
   * The same result with a diagnosis attached, and each endpoint whose address is a key of {@code
   * zones} placed in that Availability Zone.
   */
  public TargetResult withDiagnosis(String sentence, Map<InetAddress, String> zones) {
    List<EndpointResult> placed =
        endpoints.stream()
            .map(e -> zones.containsKey(e.address()) ? e.withZone(zones.get(e.address())) : e)
            .toList();
    return new TargetResult(
        target,
        failure,
        addresses,
        status,
        timings,
        certificateDaysRemaining,
        Optional.of(sentence),
        placed,
        silenced);
  }

  /** The same result, under {@code silence}. */
  public TargetResult withSilence(Silence silence) {
    return new TargetResult(
        target,
        failure,
        addresses,
        status,
        timings,
        certificateDaysRemaining,
        diagnosis,
        endpoints,
        Optional.of(silence));
  }
}
