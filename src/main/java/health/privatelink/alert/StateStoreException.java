package health.privatelink.alert;

/** The state store could not be reached or answered with an error. */
public final class StateStoreException extends RuntimeException {
  public StateStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
