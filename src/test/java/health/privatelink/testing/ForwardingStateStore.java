package health.privatelink.testing;

import health.privatelink.Deadline;
import health.privatelink.alert.AlertState;
import health.privatelink.alert.StateStore;
import health.privatelink.alert.StoredSilence;
import health.privatelink.check.Silence;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * A state store that hands every call to another, for tests that watch, delay or fail some calls:
 * override the calls to change and leave the rest forwarded. {@link #forwardTo} swaps the store
 * behind it, as when an unreachable table comes back.
 */
public class ForwardingStateStore implements StateStore {
  private volatile StateStore delegate;

  public ForwardingStateStore(StateStore delegate) {
    this.delegate = delegate;
  }

  /** Forwards the calls from now on to {@code next}. */
  public final void forwardTo(StateStore next) {
    delegate = next;
  }

  @Override
  public Map<String, AlertState> load(Collection<String> targets, Instant now, Deadline deadline) {
    return delegate.load(targets, now, deadline);
  }

  @Override
  public boolean replace(String target, long expectedVersion, AlertState next, Deadline deadline) {
    return delegate.replace(target, expectedVersion, next, deadline);
  }

  @Override
  public Map<String, StoredSilence> loadSilences(
      Collection<String> targets, Instant now, Deadline deadline) {
    return delegate.loadSilences(targets, now, deadline);
  }

  @Override
  public boolean replaceSilence(
      String target, long expectedVersion, Optional<Silence> next, Instant now, Deadline deadline) {
    return delegate.replaceSilence(target, expectedVersion, next, now, deadline);
  }

  @Override
  public String describe() {
    return delegate.describe();
  }
}
