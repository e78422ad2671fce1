package health.privatelink.probe;

import java.io.IOException;

/** The peer sent something that is not an acceptable HTTP/1.x response. */
final class ProtocolError extends IOException {
  private static final long serialVersionUID = 1L;

  ProtocolError(String message) {
    super(message);
  }
}
