package health.privatelink.check;

import java.time.Duration;
import java.util.Optional;

/**
 * How long each phase of one check took; a phase that did not complete is empty.
 *
 * @param dns the DNS query (empty for an IP-literal URL or when it failed)
 * @param connect the TCP handshake
 * @param tls the TLS handshake (empty for {@code http://})
 * @param timeToFirstByte from the request written to the first byte of the answer
 * @param total the whole check, from its start to its result
 */
public record Timings(
    Optional<Duration> dns,
    Optional<Duration> connect,
    Optional<Duration> tls,
    Optional<Duration> timeToFirstByte,
    Duration total) {

  /** Whole milliseconds, rounded, as the report shows them. */
  public static long millis(Duration d) {
    return Math.round(d.toNanos() / 1_000_000.0);
  }

  /** Fractional milliseconds, as metrics carry them. */
  public static double fractionalMillis(Duration d) {
    return d.toNanos() / 1_000_000.0;
  }
}
