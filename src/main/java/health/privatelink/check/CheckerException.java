package health.privatelink.check;

/**
 * A check threw instead of returning a result: a bug of the checker, never a failure of a target.
 * It fails the run (the Lambda invocation, exit 3 on the command line) with the cause's stack
 * trace.
 */
public final class CheckerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CheckerException(String message, Throwable cause) {
    super(message, cause);
  }
}
