package health.privatelink.alert;

import health.privatelink.Reason;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the alerter remembers about one target between runs.
 *
 * @param failures consecutive failed runs, zero while passing
 * @param failingSince when the current failure streak started; empty while passing
 * @param open whether an alert is open (ALARM sent, no OK yet)
 * @param notifiedAt when on-call was last told about this target
 * @param reason the reason of the last failed run, kept after recovery for the OK message
 * @param updatedAt the start of the run that wrote this state; empty before the first write
 * @param version bumped by every write, for conditional writes; 0 means never written
 */
public record AlertState(
    int failures,
    Optional<Instant> failingSince,
    boolean open,
    Optional<Instant> notifiedAt,
    Optional<Reason> reason,
    Optional<Instant> updatedAt,
    long version) {

  /** A target never seen before. */
  public static final AlertState INITIAL =
      new AlertState(
          0, Optional.empty(), false, Optional.empty(), Optional.empty(), Optional.empty(), 0);

  public AlertState {
    if (failures < 0) {
      throw new IllegalArgumentException("failures must be >= 0, got " + failures);
    }
    Objects.requireNonNull(failingSince, "failingSince");
    Objects.requireNonNull(notifiedAt, "notifiedAt");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** The same state under another version. */
  public AlertState withVersion(long newVersion) {
    return new AlertState(failures, failingSince, open, notifiedAt, reason, updatedAt, newVersion);
  }

  /** Whether the two states say the same about the target, ignoring when and how often written. */
  public boolean sameAs(AlertState other) {
    return failures == other.failures
        && failingSince.equals(other.failingSince)
        && open == other.open
        && notifiedAt.equals(other.notifiedAt)
        && reason.equals(other.reason);
  }
}
