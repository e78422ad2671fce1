package health.privatelink.testing;

import java.util.concurrent.TimeUnit;

/** Ending the processes tests and the benchmark start. */
public final class Processes {
  private Processes() {}

  /**
   * A polite stop (SIGTERM) first, so that what the process writes at exit gets written (a flight
   * recording, a CDS archive), then a forced one after 10 s. An interrupt forces it at once and is
   * passed on.
   */
  public static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
