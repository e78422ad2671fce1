package health.privatelink.check;

import java.time.Instant;
import java.util.Objects;

/**
 * A target silenced for planned maintenance: it is still checked and its metrics published, but it
 * sends no ALARM or REMINDER until {@code until}.
 *
 * @param until when the silence ends
 * @param reason why, as the person who set it wrote it
 */
public record Silence(Instant until, String reason) {
  public Silence {
    Objects.requireNonNull(until, "until");
    Objects.requireNonNull(reason, "reason");
  }
}
