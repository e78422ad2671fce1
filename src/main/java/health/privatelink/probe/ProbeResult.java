package health.privatelink.probe;

import health.privatelink.Failure;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What connecting to one address and asking it for the health page found; the phase timings are in
 * the {@link Trace}.
 *
 * @param failure why the probe failed; empty when healthy
 * @param status the HTTP status, when a status line arrived
 * @param certificateDaysRemaining whole days left on the leaf certificate, when TLS completed
 */
public record ProbeResult(
    Optional<Failure> failure, OptionalInt status, OptionalLong certificateDaysRemaining) {}
