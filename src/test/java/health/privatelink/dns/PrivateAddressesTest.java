package health.privatelink.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import health.privatelink.Failure;
import health.privatelink.Reason;
import health.privatelink.config.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PrivateAddressesTest {
  private static final String DEFAULT = "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16";
  private static final String DEFAULT_TEXT = "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16";

  static Stream<Arguments> cases() {
    return Stream.of(
        // addresses, cidrs, expected detail ("" when the check passes)
        Arguments.of("10.0.1.23", DEFAULT, ""),
        Arguments.of("10.0.1.23 10.0.2.34", DEFAULT, ""),
        Arguments.of("172.31.255.255", DEFAULT, ""),
        Arguments.of("192.168.0.1", DEFAULT, ""),
        Arguments.of(
            "172.32.0.1",
            DEFAULT,
            "172.32.0.1 is outside the expected ranges "
                + DEFAULT_TEXT
                + " (resolved: 172.32.0.1)"),
        Arguments.of(
            "11.0.0.0",
            DEFAULT,
            "11.0.0.0 is outside the expected ranges " + DEFAULT_TEXT + " (resolved: 11.0.0.0)"),
        Arguments.of(
            "10.0.1.23 203.0.113.7",
            DEFAULT,
            "203.0.113.7 is outside the expected ranges "
                + DEFAULT_TEXT
                + " (resolved: 10.0.1.23, 203.0.113.7)"),
        Arguments.of(
            "203.0.113.7 198.51.100.9",
            DEFAULT,
            "203.0.113.7 is outside the expected ranges "
                + DEFAULT_TEXT
                + " (resolved: 203.0.113.7, 198.51.100.9)"),
        Arguments.of("10.0.5.5", "10.0.5.5/32", ""),
        Arguments.of(
            "10.0.5.6",
            "10.0.5.5/32",
            "10.0.5.6 is outside the expected ranges 10.0.5.5/32 (resolved: 10.0.5.6)"),
        // An empty list turns the check off, whatever the addresses.
        Arguments.of("203.0.113.7", "", ""),
        Arguments.of("10.0.0.1 fd00::1", "", ""),
        // Families never match across: an IPv6 address needs an IPv6 range.
        Arguments.of(
            "fd00::1",
            DEFAULT,
            "fd00:0:0:0:0:0:0:1 is outside the expected ranges "
                + DEFAULT_TEXT
                + " (resolved: fd00:0:0:0:0:0:0:1)"),
        Arguments.of("fd00::1", "fd00::/8", ""),
        Arguments.of(
            "10.0.0.1",
            "fd00::/8",
            "10.0.0.1 is outside the expected ranges fd00:0:0:0:0:0:0:0/8 (resolved: 10.0.0.1)"),
        Arguments.of("10.0.0.1 fd00::1", "fd00::/8,10.0.0.0/8", ""),
        // Nothing resolved means nothing outside; the resolver never hands over an empty list.
        Arguments.of("", DEFAULT, ""));
  }

  @ParameterizedTest(name = "[{0}] in [{1}]")
  @MethodSource("cases")
  void checksEveryAddressAgainstTheRanges(String addresses, String cidrs, String detail) {
    Optional<Failure> expected =
        detail.isEmpty()
            ? Optional.empty()
            : Optional.of(new Failure(Reason.NOT_PRIVATE_IP, detail));

    assertEquals(expected, PrivateAddresses.check(addresses(addresses), cidrs(cidrs)));
  }

  private static List<InetAddress> addresses(String text) {
    return Arrays.stream(text.split(" "))
        .filter(s -> !s.isEmpty())
        .map(PrivateAddressesTest::ip)
        .toList();
  }

  private static List<Cidr> cidrs(String text) {
    return Arrays.stream(text.split(",")).filter(s -> !s.isEmpty()).map(Cidr::parse).toList();
  }

  private static InetAddress ip(String literal) {
    try {
      // Literals only: getByName parses them without asking DNS.
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }
}
