package health.privatelink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AddressesTest {

  static Stream<Arguments> literals() {
    return Stream.of(
        Arguments.of("10.0.1.23", "10.0.1.23"),
        Arguments.of("127.0.0.1", "127.0.0.1"),
        Arguments.of("0.0.0.0", "0.0.0.0"),
        Arguments.of("::1", "0:0:0:0:0:0:0:1"),
        Arguments.of("[::1]", "0:0:0:0:0:0:0:1"),
        Arguments.of("fd00:ec2::253", "fd00:ec2:0:0:0:0:0:253"),
        Arguments.of("[fd00:ec2::253]", "fd00:ec2:0:0:0:0:0:253"),
        Arguments.of("::ffff:10.0.0.1", "10.0.0.1"),
        Arguments.of("999.1.1.1", null),
        Arguments.of("10.0.0", null),
        Arguments.of("10.0.0.1.2", null),
        Arguments.of("10.0.0.-1", null),
        Arguments.of("", null),
        Arguments.of("[]", null),
        Arguments.of("[::1", null),
        Arguments.of("::1]", null),
        Arguments.of("1::2::3", null),
        Arguments.of("localhost", null),
        Arguments.of("api.private.prefect.cloud", null),
        Arguments.of("10.0.0.1:53", null));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @MethodSource("literals")
  void literalsAreReadWithoutAskingDns(String text, String address) {
    assertEquals(
        Optional.ofNullable(address),
        Addresses.literal(text).map(InetAddress::getHostAddress),
        text);
  }

  static Stream<Arguments> hostPorts() {
    return Stream.of(
        Arguments.of("10.0.2.17", 443, "10.0.2.17:443"),
        Arguments.of("api.private.prefect.cloud", 8443, "api.private.prefect.cloud:8443"),
        Arguments.of("0:0:0:0:0:0:0:1", 53, "[0:0:0:0:0:0:0:1]:53"),
        Arguments.of("fd00:ec2:0:0:0:0:0:253", 53, "[fd00:ec2:0:0:0:0:0:253]:53"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("hostPorts")
  void hostPortPutsIpv6InBrackets(String host, int port, String text) {
    assertEquals(text, Addresses.hostPort(host, port));
    Optional<InetAddress> literal = Addresses.literal(host);
    if (literal.isPresent()) {
      assertEquals(text, Addresses.hostPort(literal.get(), port));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostPorts")
  void anAddressIsWrittenAsItselfNotAsTheNameItCarries(String host, int port, String text)
      throws Exception {
    Optional<InetAddress> literal = Addresses.literal(host);
    if (literal.isPresent()) {
      InetAddress named =
          InetAddress.getByAddress("named.example.test", literal.get().getAddress());
      assertEquals(text, Addresses.hostPort(named, port));
    }
  }
}
