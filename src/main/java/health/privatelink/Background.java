package health.privatelink;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The one way work is started in the background: on a thread of its own, its future completed with
 * the result or, whatever it throws (an {@link Error} included), exceptionally. A bug in the work
 * therefore reaches whoever waits for it at once, instead of leaving the future incomplete until
 * the waiter's deadline passes and the bug reads as a timeout.
 *
 * <p>Whoever starts the work owns its deadline: it waits on the future for as long as its stage may
 * run and decides what an overrun means (abort the call, report a timeout).
 */
public final class Background {
  private Background() {}

  /**
   * Runs {@code work} on a virtual thread named {@code name}: for work that mostly waits on the
   * network, of which a run starts many at once.
   */
  public static <T> CompletableFuture<T> virtual(String name, Callable<? extends T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread.ofVirtual().name(name).start(() -> run(work, result));
    return result;
  }

  /**
   * Runs {@code work} on a daemon platform thread named {@code name}: for work that loads classes
   * or builds SDK clients under locks, which would pin a virtual thread's carrier (on a two-core
   * Lambda, one of the two the checks need) for that whole time.
   */
  public static <T> CompletableFuture<T> platform(String name, Callable<? extends T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread.ofPlatform().daemon().name(name).start(() -> run(work, result));
    return result;
  }

  /**
   * An executor that runs each task on a virtual thread of its own, for libraries that take an
   * {@link Executor} and complete their own futures from it; a task that throws is reported to the
   * thread's uncaught-exception handler, as {@link Executor#execute} does.
   */
  public static Executor virtualThreads(String name) {
    return task -> Thread.ofVirtual().name(name).start(task);
  }

  private static <T> void run(Callable<? extends T> work, CompletableFuture<T> result) {
    try {
      result.complete(work.call());
    } catch (Throwable t) {
      result.completeExceptionally(t);
    }
  }
}
