package health.privatelink;

import java.time.Duration;

/**
 * A point on the monotonic clock by which work must be done. The orchestrator owns the run's
 * deadline and hands out the same or earlier ones; nothing waits past the deadline it was given.
 */
public record Deadline(long nanoTime) {

  /** The deadline {@code budget} from now. */
  public static Deadline after(Duration budget) {
    return new Deadline(System.nanoTime() + budget.toNanos());
  }

  /** Time left, never negative. */
  public Duration remaining() {
    long left = nanoTime - System.nanoTime();
    return Duration.ofNanos(Math.max(0, left));
  }

  /** Time left in whole milliseconds, at least 1 while not expired, for APIs that take an int. */
  public int remainingMillis() {
    long left = nanoTime - System.nanoTime();
    if (left <= 0) {
      return 0;
    }
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, left / 1_000_000));
  }

  public boolean expired() {
    return nanoTime - System.nanoTime() <= 0;
  }

  /** The earlier of the two. */
  public Deadline min(Deadline other) {
    return nanoTime - other.nanoTime <= 0 ? this : other;
  }

  /** A deadline {@code reserve} earlier, to leave time for what follows. */
  public Deadline minus(Duration reserve) {
    return new Deadline(nanoTime - reserve.toNanos());
  }
}
