package health.privatelink.probe;

import health.privatelink.Addresses;
import health.privatelink.Failure;
import health.privatelink.Reason;
import health.privatelink.config.Target;
import java.net.InetAddress;
import java.util.Optional;

/**
 * The one wording of a check cut off by its budget. The probe, noticing its own timeout, and the
 * orchestrator, giving up on a probe that did not come back, both word it here, so one outage reads
 * the same whichever side of the abort wins.
 */
public final class Timeouts {
  private Timeouts() {}

  /** The failure of {@code target}'s check, cut off in the phase its trace was in. */
  public static Failure of(Target target, Trace trace) {
    String budget = " within " + target.timeout().toMillis() + " ms";
    if (!trace.namesAddress()) {
      // Whoever reports this names the address in front of it.
      return switch (trace.phase()) {
        case DNS -> new Failure(Reason.DNS_TIMEOUT, "no DNS answer for " + target.host() + budget);
        case CONNECT -> new Failure(Reason.CONNECT_TIMEOUT, "no TCP answer" + budget);
        case TLS_HANDSHAKE ->
            new Failure(
                Reason.HTTP_TIMEOUT, "connected but the TLS handshake did not complete" + budget);
        case HTTP, DONE ->
            new Failure(Reason.HTTP_TIMEOUT, "connected but no complete HTTP response" + budget);
      };
    }
    Optional<InetAddress> address = trace.address();
    String at =
        address
            .map(a -> Addresses.hostPort(a, target.port()))
            .orElseGet(() -> Addresses.hostPort(target.host(), target.port()));
    return switch (trace.phase()) {
      case DNS -> new Failure(Reason.DNS_TIMEOUT, "no DNS answer for " + target.host() + budget);
      case CONNECT ->
          new Failure(
              Reason.CONNECT_TIMEOUT,
              "no TCP answer from " + at + " (" + target.host() + ")" + budget);
      case TLS_HANDSHAKE ->
          new Failure(
              Reason.HTTP_TIMEOUT,
              "connected to " + at + " but the TLS handshake did not complete" + budget);
      case HTTP, DONE ->
          new Failure(
              Reason.HTTP_TIMEOUT,
              "connected to " + at + " but no complete HTTP response" + budget);
    };
  }
}
