package health.privatelink.alert;

import health.privatelink.Deadline;
import health.privatelink.check.Silence;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Where alert state lives between runs. Writes are conditional on the version read, so of two
 * overlapping runs that read the same state only one may write it, and only that one may tell
 * on-call about the change.
 *
 * <p>A target's silence is stored apart from its alert state, under a version of its own: setting
 * or clearing a silence never overwrites alert state, and an alert-state write never overwrites a
 * silence.
 */
public interface StateStore {

  /**
   * The stored state of each target as of {@code now}; a target with nothing stored maps to a state
   * with version 0, and one whose state has expired to the initial state under the stored version.
   *
   * @throws StateStoreException when the store cannot be read by the deadline
   */
  Map<String, AlertState> load(Collection<String> targets, Instant now, Deadline deadline);

  /**
   * Stores {@code next} for the target if its stored version is still {@code expectedVersion}.
   *
   * @return false when another run wrote first
   * @throws StateStoreException when the store cannot be written by the deadline
   */
  boolean replace(String target, long expectedVersion, AlertState next, Deadline deadline);

  /**
   * The stored silence of each target, ended ones included until cleared; a target never silenced
   * maps to {@link StoredSilence#NONE}.
   *
   * @throws StateStoreException when the store cannot be read by the deadline
   */
  Map<String, StoredSilence> loadSilences(
      Collection<String> targets, Instant now, Deadline deadline);

  /**
   * Stores {@code next} (empty: cleared) as the target's silence if its stored silence version is
   * still {@code expectedVersion}; the target's alert state is left as it is.
   *
   * @param now when it is written, for the record and its expiry
   * @return false when another writer wrote first
   * @throws StateStoreException when the store cannot be written by the deadline
   */
  boolean replaceSilence(
      String target, long expectedVersion, Optional<Silence> next, Instant now, Deadline deadline);

  /** A name for log lines: where the state lives. */
  String describe();
}
