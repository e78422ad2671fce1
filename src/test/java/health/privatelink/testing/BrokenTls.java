package health.privatelink.testing;

import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A TLS socket factory with a bug: making a socket throws an error no prober classifies, as a class
 * missing from the jar would. For tests that a bug in a check fails the run instead of reading as a
 * timeout of the target.
 */
public final class BrokenTls extends SSLSocketFactory {
  public static final String BUG = "a bug: the TLS code failed to load";

  private static NoClassDefFoundError bug() {
    return new NoClassDefFoundError(BUG);
  }

  @Override
  public Socket createSocket(Socket s, String host, int port, boolean autoClose) {
    throw bug();
  }

  @Override
  public Socket createSocket(String host, int port) {
    throw bug();
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
    throw bug();
  }

  @Override
  public Socket createSocket(InetAddress host, int port) {
    throw bug();
  }

  @Override
  public Socket createSocket(
      InetAddress address, int port, InetAddress localAddress, int localPort) {
    throw bug();
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return new String[0];
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return new String[0];
  }
}
