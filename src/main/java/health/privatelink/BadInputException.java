package health.privatelink;

/**
 * Input that cannot be read as what it should be: the message names the field, the bad value and
 * what is allowed. The caller decides what it means: the configuration wraps it as a configuration
 * error, the handler answers a manual event with it.
 */
public class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadInputException(String message) {
    super(message);
  }
}
