package health.privatelink.diagnose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/** The function's own address on the way to a peer, to match security group rules by CIDR. */
@FunctionalInterface
public interface LocalAddress {

  /** The local address packets to {@code peer} leave from, when it is a usable VPC address. */
  Optional<InetAddress> toward(InetAddress peer);

  /**
   * Asks the kernel: a UDP socket connected to the peer picks the route and source address and
   * sends nothing. Loopback and link-local answers are no VPC address (Lambda's sandbox shows one
   * behind its network interface), so they count as unknown.
   */
  static LocalAddress system() {
    return peer -> {
      try (DatagramSocket socket = new DatagramSocket()) {
        socket.connect(new InetSocketAddress(peer, 443));
        InetAddress local = socket.getLocalAddress();
        if (local == null
            || local.isAnyLocalAddress()
            || local.isLoopbackAddress()
            || local.isLinkLocalAddress()) {
          return Optional.empty();
        }
        return Optional.of(local);
      } catch (IOException | UncheckedIOException e) {
        return Optional.empty();
      }
    };
  }
}
