package health.privatelink.alert;

import health.privatelink.Deadline;
import health.privatelink.check.Silence;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

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
    return writeIf(states, target, expectedVersion, AlertState::version, stored -> next);
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
    return writeIf(
        silences,
        target,
        expectedVersion,
        StoredSilence::version,
        stored -> new StoredSilence(next, expectedVersion + 1));
  }

  /**
   * The store's conditional write: replaces what {@code map} holds for {@code key} (version 0 when
   * nothing) with {@code next} only when its version is {@code expected}, atomically.
   */
  private static <V> boolean writeIf(
      ConcurrentHashMap<String, V> map,
      String key,
      long expected,
      ToLongFunction<V> version,
      UnaryOperator<V> next) {
    boolean[] written = {false};
    map.compute(
        key,
        (name, stored) -> {
          if ((stored == null ? 0 : version.applyAsLong(stored)) != expected) {
            return stored;
          }
          written[0] = true;
          return next.apply(stored);
        });
    return written[0];
  }

  @Override
  public String describe() {
    return "memory";
  }
}
