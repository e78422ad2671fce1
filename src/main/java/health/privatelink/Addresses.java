package health.privatelink;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.xbill.DNS.Address;

/** IP literals and host:port text, read and written the same way everywhere. */
public final class Addresses {
  private Addresses() {}

  /**
   * The address an IP literal (IPv4, or IPv6 possibly in brackets) stands for, or empty when the
   * text is not one. A pure parse: it never asks DNS.
   */
  public static Optional<InetAddress> literal(String text) {
    String s =
        text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    byte[] bytes = Address.toByteArray(s, Address.IPv4);
    if (bytes == null && s.indexOf(':') >= 0) {
      bytes = Address.toByteArray(s, Address.IPv6);
    }
    if (bytes == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByAddress(bytes));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
    }
  }

  /** {@code host:port}, an IPv6 address in brackets so that the port reads apart from it. */
  public static String hostPort(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** {@code address:port} of the address itself, never of a name it may carry. */
  public static String hostPort(InetAddress address, int port) {
    return hostPort(address.getHostAddress(), port);
  }
}
