package health.privatelink.alert;

import health.privatelink.Deadline;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * State in this process, used when {@code STATE_TABLE} is unset: it lives as long as the execution
 * environment, so a cold start forgets open alerts. Conditional like the table, so overlapping runs
 * in one process behave the same.
 */
public final class MemoryStateStore implements StateStore {
  private final ConcurrentHashMap<String, AlertState> states = new ConcurrentHashMap<>();

  @Override
  public Map<String, AlertState> load(Collection<String> targets, Instant now, Deadline deadline) {
    Map<String, AlertState> loaded = new LinkedHashMap<>();
    for (String target : targets) {
      loaded.put(target, states.getOrDefault(target, AlertState.INITIAL));
    }
    return loaded;
  }

  @Override
  public boolean replace(String target, long expectedVersion, AlertState next, Deadline deadline) {
    boolean[] written = {false};
    states.compute(
        target,
        (name, stored) -> {
          long version = stored == null ? 0 : stored.version();
          if (version != expectedVersion) {
            return stored;
          }
          written[0] = true;
          return next;
        });
    return written[0];
  }

  @Override
  public String describe() {
    return "memory";
  }
}
