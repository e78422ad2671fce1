package health.privatelink.probe;

import health.privatelink.Deadline;
import health.privatelink.Failure;
import health.privatelink.Reason;
import health.privatelink.config.Target;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Collection;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;

/**
 * Turns what went wrong in a probe into one reason and a detail on-call can act on. All
 * classification happens here, by walking the exception's cause chain once.
 */
final class Failures {
  private Failures() {}

  static Failure classify(
      Throwable error,
      Target target,
      Trace trace,
      HttpProber.Endpoint endpoint,
      Deadline deadline) {
    Phase phase = trace.phase();
    if (trace.aborted() || deadline.expired() || has(error, SocketTimeoutException.class)) {
      return Timeouts.of(target, trace);
    }
    boolean named = trace.namesAddress();
    return switch (phase) {
      case DNS, CONNECT -> connectFailure(error, endpoint, named);
      case TLS_HANDSHAKE -> tlsFailure(error, endpoint, named);
      case HTTP, DONE -> httpFailure(error, endpoint, named);
    };
  }

  /**
   * @param named whether the detail names the address; when not, whoever reports it names the
   *     address in front of it
   */
  private static Failure connectFailure(
      Throwable error, HttpProber.Endpoint endpoint, boolean named) {
    String at = named ? " " + endpoint + " (" + endpoint.host() + ")" : "";
    if (has(error, NoRouteToHostException.class)) {
      return new Failure(Reason.CONNECT_TIMEOUT, named ? "no route to" + at : "no route to it");
    }
    if (has(error, ConnectException.class)) {
      String refused = "refused the connection (TCP reset)";
      return new Failure(Reason.CONNECT_REFUSED, named ? at.strip() + " " + refused : refused);
    }
    return new Failure(Reason.CONNECT_REFUSED, "could not connect" + at + ": " + message(error));
  }

  private static Failure tlsFailure(Throwable error, HttpProber.Endpoint endpoint, boolean named) {
    String host = endpoint.host();
    String detail;
    CertificateExpiredException expired = find(error, CertificateExpiredException.class);
    String text = chainText(error);
    if (expired != null) {
      detail = "the server certificate has expired: " + message(expired);
    } else if (has(error, CertificateNotYetValidException.class)) {
      detail = "the server certificate is not valid yet";
    } else if (text.contains("no subject alternative")
        || text.contains("no name matching")
        || text.contains("doesn't match any of the subject alternative names")) {
      detail = "the server certificate does not match " + host + ": " + message(rootCause(error));
    } else if (has(error, CertPathBuilderException.class)
        || has(error, CertPathValidatorException.class)
        || text.contains("unable to find valid certification path")) {
      detail =
          "the server certificate is not trusted (self-signed, or a private CA missing from the"
              + " trust store; add it with -Djavax.net.ssl.trustStore)";
    } else if (text.contains("protocol_version")
        || text.contains("no appropriate protocol")
        || text.contains("protocol is disabled or cipher suites are inappropriate")) {
      detail = "no TLS version in common with the server (it offers only old or disabled ones)";
    } else if (text.contains("unsupported or unrecognized ssl message")) {
      detail =
          "the server did not answer in TLS (not a TLS server? plain HTTP on an https:// URL?)";
    } else if (text.contains("handshake_failure")) {
      detail = "the server rejected the TLS handshake (handshake_failure: no cipher in common?)";
    } else if (has(error, EOFException.class)
        || text.contains("remote host terminated the handshake")
        || text.contains("connection reset")) {
      detail = "the server closed the connection during the TLS handshake (not a TLS server?)";
    } else if (has(error, SSLException.class)) {
      detail = "TLS handshake failed: " + message(rootCause(error));
    } else {
      detail = "TLS handshake failed: " + message(error);
    }
    return new Failure(
        Reason.TLS_ERROR, named ? detail + " (" + host + " at " + endpoint + ")" : detail);
  }

  private static Failure httpFailure(Throwable error, HttpProber.Endpoint endpoint, boolean named) {
    ProtocolError protocol = find(error, ProtocolError.class);
    String what = protocol != null ? protocol.getMessage() : message(error);
    // The service answered, but not with a usable HTTP response: it is unhealthy.
    String from = named ? " from " + endpoint : "";
    return new Failure(Reason.HTTP_STATUS, "no valid HTTP response" + from + ": " + what);
  }

  static String join(Collection<Integer> codes) {
    return codes.stream().sorted().map(String::valueOf).collect(Collectors.joining(" or "));
  }

  private static boolean has(Throwable error, Class<? extends Throwable> type) {
    return find(error, type) != null;
  }

  private static <T extends Throwable> T find(Throwable error, Class<T> type) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static Throwable rootCause(Throwable error) {
    Throwable t = error;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  private static String chainText(Throwable error) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      all.append(' ').append(t.getMessage());
    }
    return all.toString().toLowerCase(Locale.ROOT);
  }

  private static String message(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
