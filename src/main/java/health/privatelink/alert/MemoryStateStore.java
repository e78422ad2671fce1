package health.privatelink.alert;

import health.privatelink.Deadline;
import health.privatelink.check.Silence;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * State in this process, used when {@code STATE_TABLE} is unset: it lives as long as the execution
 * environment, so a cold start forgets open alerts. Conditional like the table, so overlapping runs
 * in one process behave the same. Silences are kept in a map of their own, as the table keeps them
 * in items of their own.
 */
public final class MemoryStateStore implements StateStore {
  private final ConcurrentHashMap<String, AlertState> states = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, StoredSilence> silences = new ConcurrentHashMap<>();

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
  public Map<String, StoredSilence> loadSilences(
      Collection<String> targets, Instant now, Deadline deadline) {
    Map<String, StoredSilence> loaded = new LinkedHashMap<>();
    for (String target : targets) {
      loaded.put(target, silences.getOrDefault(target, StoredSilence.NONE));
    }
    return loaded;
  }

  @Override
  public boolean replaceSilence(
      String target, long expectedVersion, Optional<Silence> next, Instant now, Deadline deadline) {
    boolean[] written = {false};
    silences.compute(
        target,
        (name, stored) -> {
          long version = stored == null ? 0 : stored.version();
          if (version != expectedVersion) {
            return stored;
          }
          written[0] = true;
          return new StoredSilence(next, version + 1);
        });
    return written[0];
  }

  @Override
  public String describe() {
    return "memory";
  }
}
