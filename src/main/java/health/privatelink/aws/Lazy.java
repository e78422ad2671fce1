package health.privatelink.aws;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value made on first use and then kept, for clients a run may not need: building one costs
 * cold-start time, and a process that never alerts or never diagnoses should not pay it. A factory
 * that throws is asked again on the next use.
 */
public final class Lazy<T> implements Supplier<T> {
  private final Supplier<? extends T> factory;
  private volatile T value;

  public Lazy(Supplier<? extends T> factory) {
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  @Override
  public T get() {
    T made = value;
    if (made == null) {
      synchronized (this) {
        made = value;
        if (made == null) {
          made = Objects.requireNonNull(factory.get(), "factory result");
          value = made;
        }
      }
    }
    return made;
  }
}
