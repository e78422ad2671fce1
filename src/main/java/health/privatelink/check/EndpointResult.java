package health.privatelink.check;

import health.privatelink.Failure;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The outcome of checking one resolved address of a target: its own connection, TLS handshake and
 * request. An interface endpoint has one address per Availability Zone, so this is what tells a
 * broken zone from a broken service.
 *
 * @param address the address connected to
 * @param zone the Availability Zone ID of the endpoint network interface holding the address, when
 *     the diagnosis learned it
 * @param failure why this address failed; empty when it passed
 * @param status the HTTP status, when an answer arrived
 * @param timings the phases of this address's check (never a DNS phase: the name was resolved once
 *     for the whole target)
 * @param certificateDaysRemaining whole days left on the certificate this address served
 */
public record EndpointResult(
    InetAddress address,
    Optional<String> zone,
    Optional<Failure> failure,
    OptionalInt status,
    Timings timings,
    OptionalLong certificateDaysRemaining) {

  public EndpointResult {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(timings, "timings");
    Objects.requireNonNull(certificateDaysRemaining, "certificateDaysRemaining");
  }

  public boolean healthy() {
    return failure.isEmpty();
  }

  /** The same result, placed in an Availability Zone. */
  public EndpointResult withZone(String zoneId) {
    return new EndpointResult(
        address, Optional.of(zoneId), failure, status, timings, certificateDaysRemaining);
  }
}
