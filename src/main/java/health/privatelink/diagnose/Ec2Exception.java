package health.privatelink.diagnose;

/**
 * An EC2 lookup that did not answer: refused, denied, unreachable, too slow. Its message completes
 * {@code could not diagnose: ...}, so it says what failed and why in plain words.
 */
public final class Ec2Exception extends Exception {
  public Ec2Exception(String message) {
    super(message);
  }

  public Ec2Exception(String message, Throwable cause) {
    super(message, cause);
  }
}
