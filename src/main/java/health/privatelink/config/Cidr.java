package health.privatelink.config;

import health.privatelink.Addresses;
import health.privatelink.Json;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 address block such as {@code 10.0.0.0/8}. */
public record Cidr(InetAddress network, int prefixLength) {

  /**
   * Parses {@code a.b.c.d/n} or {@code v6::/n}; the message of the exception says what was wrong,
   * without the name of the setting, which the caller adds.
   */
  public static Cidr parse(String text) {
    String s = text.strip();
    int slash = s.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("needs a /prefix, as in 10.0.0.0/8");
    }
    String addressPart = s.substring(0, slash);
    String prefixPart = s.substring(slash + 1);
    byte[] bytes =
        Addresses.literal(addressPart)
            .map(InetAddress::getAddress)
            .orElseThrow(() ->
                new IllegalArgumentException(Json.quote(addressPart) + " is not an IP address"));
    int max = bytes.length * 8;
    int prefix;
    try {
      prefix = Integer.parseInt(prefixPart);
    } catch (NumberFormatException e) {
      prefix = -1;
    }
    if (prefix < 0 || prefix > max || !prefixPart.matches("\\d{1,3}")) {
      throw new IllegalArgumentException(
          "prefix must be 0.." + max + ", got " + Json.quote(prefixPart));
    }
    byte[] masked = mask(bytes, prefix);
    if (!Arrays.equals(masked, bytes)) {
      throw new IllegalArgumentException(
          "has bits set past the prefix; did you mean " + format(masked) + "/" + prefix + "?");
    }
    return new Cidr(address(bytes), prefix);
  }

  /** Whether {@code address} lies inside this block (always false across address families). */
  public boolean contains(InetAddress address) {
    byte[] candidate = address.getAddress();
    byte[] net = network.getAddress();
    if (candidate.length != net.length) {
      return false;
    }
    return Arrays.equals(mask(candidate, prefixLength), net);
  }

  @Override
  public String toString() {
    return network.getHostAddress() + "/" + prefixLength;
  }

  private static InetAddress address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
    }
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xff << (8 - keep)));
    }
    return out;
  }

  private static String format(byte[] bytes) {
    return address(bytes).getHostAddress();
  }
}
