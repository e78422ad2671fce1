package health.privatelink.config;

/**
 * Bad configuration: the message names the variable or target, the bad value and what is allowed.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
