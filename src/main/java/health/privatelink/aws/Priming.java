package health.privatelink.aws;

import health.privatelink.Background;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Priming an SDK client: one call taken through the client's whole request path (marshalling,
 * endpoint and auth-scheme resolution, credentials, signing) and ended just before it would be
 * sent, so that the first real call finds that code loaded. On a cold start this path costs more
 * than building the client; primed on a background thread at init, it overlaps the checks' network
 * wait instead of following them.
 *
 * <p>A client takes part by carrying {@link #interceptor()}; a priming call is an ordinary request
 * whose override configuration went through {@link #mark}. Nothing of it leaves the process and it
 * is never retried.
 */
public final class Priming {
  private static final ExecutionAttribute<Boolean> PRIMING =
      new ExecutionAttribute<>("health.privatelink.aws.Priming");

  private Priming() {}

  /** The interceptor that ends marked calls before transmission; add it to the client. */
  public static ExecutionInterceptor interceptor() {
    return new StopBeforeSending();
  }

  /** Marks a request as a priming call. */
  public static void mark(AwsRequestOverrideConfiguration.Builder override) {
    override.putExecutionAttribute(PRIMING, Boolean.TRUE);
  }

  /**
   * Runs {@code call}, which makes one marked request on a client that carries the interceptor.
   *
   * @return true when the call went all the way to transmission and stopped there; false when it
   *     failed earlier (no region, no credentials), which the first real call will then meet and
   *     report
   * @throws IllegalStateException when the call was sent: the client lacks the interceptor or the
   *     request the mark
   */
  public static boolean run(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof Stopped) {
          return true;
        }
      }
      return false;
    }
    throw new IllegalStateException("a priming call was sent");
  }

  /**
   * Runs {@code work} (building and priming a client) on a background thread, for the function's
   * init. A failure is left in the future, which nobody but tests reads: the first real call builds
   * the client again and reports why it cannot. A platform thread, because building a client loads
   * classes under locks, which would pin a virtual thread's carrier for that whole time.
   *
   * @return the work's completion, for tests to wait on
   */
  public static CompletableFuture<Void> inBackground(String name, Runnable work) {
    return Background.platform(
        name,
        () -> {
          work.run();
          return null;
        });
  }

  /** Ends a priming call after signing, before transmission. */
  private static final class StopBeforeSending implements ExecutionInterceptor {
    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes attributes) {
      if (Boolean.TRUE.equals(attributes.getAttribute(PRIMING))) {
        throw new Stopped();
      }
    }
  }

  /** Neither an SDK nor an I/O exception, so the SDK never retries it. */
  private static final class Stopped extends RuntimeException {
    Stopped() {
      super("priming call stopped before sending", null, false, false);
    }
  }
}
