package health.privatelink.alert;

import health.privatelink.Deadline;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * Where alert state lives between runs. Writes are conditional on the version read, so of two
 * overlapping runs that read the same state only one may write it, and only that one may tell
 * on-call about the change.
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

  /** A name for log lines: where the state lives. */
  String describe();
}
