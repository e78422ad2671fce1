package health.privatelink;

import java.time.Duration;

/** Arithmetic on {@link Duration} that the JDK leaves out. */
public final class Durations {
  private Durations() {}

  /** The shorter of the two. */
  public static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
