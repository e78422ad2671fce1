package health.privatelink.alert;

import health.privatelink.check.Silence;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the state store holds about one target's silence: kept apart from its alert state, so that
 * neither write ever overwrites the other.
 *
 * @param silence the silence last set and not yet cleared; it may have ended already (a run that
 *     finds it ended clears it, and only the run whose clear wins logs its end)
 * @param version bumped by every write, for conditional writes; 0 means never written
 */
public record StoredSilence(Optional<Silence> silence, long version) {
  /** A target never silenced. */
  public static final StoredSilence NONE = new StoredSilence(Optional.empty(), 0);

  public StoredSilence {
    Objects.requireNonNull(silence, "silence");
  }

  /** The silence, if it is still in force at {@code now}. */
  public Optional<Silence> active(Instant now) {
    return silence.filter(s -> s.until().isAfter(now));
  }

  /** Whether a silence is stored that has ended by {@code now} and not yet been cleared. */
  public boolean endedBy(Instant now) {
    return silence.isPresent() && active(now).isEmpty();
  }
}
