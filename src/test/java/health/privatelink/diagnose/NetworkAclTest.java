package health.privatelink.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;

import health.privatelink.diagnose.NetworkAcl.Block;
import health.privatelink.diagnose.NetworkAcl.Entry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The ACL judgement as a table: each row an ACL, the connection, and what blocks it. */
class NetworkAclTest {
  static final String FUNCTION = "10.0.1.5";
  static final String ENDPOINT = "10.0.2.17";
  static final String FUNCTION_V6 = "2600:1f18:1::5";
  static final String ENDPOINT_V6 = "2600:1f18:2::17";

  /** The default entries of both families and directions. */
  static final List<Entry> DEFAULTS =
      List.of(
          deny(32767, false, "-1", "0.0.0.0/0", -1, -1),
          deny(32767, true, "-1", "0.0.0.0/0", -1, -1),
          deny(32767, false, "-1", "::/0", -1, -1),
          deny(32767, true, "-1", "::/0", -1, -1));

  static Stream<Arguments> cases() {
    return Stream.of(
        row(
            "the default ACL allows everything",
            FUNCTION,
            ENDPOINT,
            null,
            allow(100, false, "-1", "0.0.0.0/0", -1, -1),
            allow(100, true, "-1", "0.0.0.0/0", -1, -1)),
        row("nothing but the defaults: the default denies in", FUNCTION, ENDPOINT, "in *"),
        row(
            "in allowed, nothing out: the default denies the replies",
            FUNCTION,
            ENDPOINT,
            "out *",
            allow(100, false, "6", "10.0.0.0/16", 443, 443)),
        row(
            "exact rules both ways",
            FUNCTION,
            ENDPOINT,
            null,
            allow(100, false, "6", "10.0.1.0/24", 443, 443),
            allow(100, true, "6", "10.0.1.0/24", 1024, 65535)),
        row(
            "deny before allow: the lower number wins",
            FUNCTION,
            ENDPOINT,
            "in 90",
            deny(90, false, "6", "10.0.1.0/24", 443, 443),
            allow(100, false, "-1", "0.0.0.0/0", -1, -1),
            allow(100, true, "-1", "0.0.0.0/0", -1, -1)),
        row(
            "allow before deny: the lower number wins, whatever the listing order",
            FUNCTION,
            ENDPOINT,
            null,
            deny(200, false, "-1", "0.0.0.0/0", -1, -1),
            allow(110, false, "6", "10.0.0.0/8", 443, 443),
            allow(100, true, "-1", "0.0.0.0/0", -1, -1)),
        row(
            "a deny for another block does not apply",
            FUNCTION,
            ENDPOINT,
            null,
            deny(50, false, "-1", "10.0.9.0/24", -1, -1),
            allow(100, false, "-1", "0.0.0.0/0", -1, -1),
            allow(100, true, "-1", "0.0.0.0/0", -1, -1)),
        row(
            "a deny for other ports does not apply",
            FUNCTION,
            ENDPOINT,
            null,
            deny(50, false, "6", "0.0.0.0/0", 22, 22),
            allow(100, false, "-1", "0.0.0.0/0", -1, -1),
            allow(100, true, "-1", "0.0.0.0/0", -1, -1)),
        row(
            "an allow for other ports leaves 443 to the default",
            FUNCTION,
            ENDPOINT,
            "in *",
            allow(100, false, "6", "0.0.0.0/0", 80, 442),
            allow(100, true, "-1", "0.0.0.0/0", -1, -1)),
        row(
            "a port range that holds 443",
            FUNCTION,
            ENDPOINT,
            null,
            allow(100, false, "6", "0.0.0.0/0", 1, 1000),
            allow(100, true, "6", "0.0.0.0/0", 0, 65535)),
        row(
            "UDP rules do not admit TCP",
            FUNCTION,
            ENDPOINT,
            "in *",
            allow(100, false, "17", "0.0.0.0/0", 0, 65535),
            allow(100, true, "-1", "0.0.0.0/0", -1, -1)),
        row(
            "a UDP deny does not block TCP",
            FUNCTION,
            ENDPOINT,
            null,
            deny(50, false, "17", "0.0.0.0/0", 443, 443),
            allow(100, false, "6", "0.0.0.0/0", 443, 443),
            allow(100, true, "6", "0.0.0.0/0", 1024, 65535)),
        row(
            "replies allowed for part of the ephemeral range only",
            FUNCTION,
            ENDPOINT,
            "out *",
            allow(100, false, "6", "0.0.0.0/0", 443, 443),
            allow(100, true, "6", "0.0.0.0/0", 32768, 65535)),
        row(
            "a deny inside the ephemeral range after a partial allow",
            FUNCTION,
            ENDPOINT,
            "out 120",
            allow(100, false, "6", "0.0.0.0/0", 443, 443),
            allow(110, true, "6", "0.0.0.0/0", 1024, 30000),
            deny(120, true, "-1", "0.0.0.0/0", -1, -1),
            allow(130, true, "-1", "0.0.0.0/0", -1, -1)),
        row(
            "a deny past the ports an earlier allow decided does not apply",
            FUNCTION,
            ENDPOINT,
            null,
            allow(100, false, "6", "0.0.0.0/0", 443, 443),
            allow(110, true, "6", "0.0.0.0/0", 1024, 65535),
            deny(120, true, "-1", "0.0.0.0/0", -1, -1)),
        row(
            "replies denied to the function's block",
            FUNCTION,
            ENDPOINT,
            "out 100",
            allow(100, false, "-1", "0.0.0.0/0", -1, -1),
            deny(100, true, "6", "10.0.1.0/24", 1024, 65535),
            allow(200, true, "-1", "0.0.0.0/0", -1, -1)),
        row(
            "IPv4 entries do not judge an IPv6 connection",
            FUNCTION_V6,
            ENDPOINT_V6,
            "in *",
            allow(100, false, "-1", "0.0.0.0/0", -1, -1),
            allow(100, true, "-1", "0.0.0.0/0", -1, -1)),
        row(
            "IPv6 entries judge an IPv6 connection",
            FUNCTION_V6,
            ENDPOINT_V6,
            null,
            allow(100, false, "-1", "0.0.0.0/0", -1, -1),
            allow(100, true, "-1", "0.0.0.0/0", -1, -1),
            allow(101, false, "6", "2600:1f18::/32", 443, 443),
            allow(101, true, "6", "::/0", 1024, 65535)),
        row(
            "an IPv6 deny does not block IPv4",
            FUNCTION,
            ENDPOINT,
            null,
            deny(50, false, "-1", "::/0", -1, -1),
            allow(100, false, "-1", "0.0.0.0/0", -1, -1),
            allow(100, true, "-1", "0.0.0.0/0", -1, -1)),
        row(
            "an IPv6 deny blocks IPv6",
            FUNCTION_V6,
            ENDPOINT_V6,
            "in 50",
            deny(50, false, "6", "2600:1f18:1::/48", 443, 443),
            allow(100, false, "-1", "::/0", -1, -1),
            allow(100, true, "-1", "::/0", -1, -1)),
        row(
            "function unknown: a deny for every address is blamed",
            null,
            ENDPOINT,
            "in 90",
            deny(90, false, "6", "0.0.0.0/0", 443, 443),
            allow(100, false, "-1", "0.0.0.0/0", -1, -1),
            allow(100, true, "-1", "0.0.0.0/0", -1, -1)),
        row(
            "function unknown: a deny for a narrower block is not blamed",
            null,
            ENDPOINT,
            null,
            deny(90, false, "6", "10.0.1.0/24", 443, 443),
            allow(100, false, "-1", "0.0.0.0/0", -1, -1),
            allow(100, true, "-1", "0.0.0.0/0", -1, -1)),
        row(
            "function unknown: an allow for a narrower block is taken as its",
            null,
            ENDPOINT,
            null,
            allow(100, false, "6", "10.0.0.0/16", 443, 443),
            allow(100, true, "6", "10.0.0.0/16", 1024, 65535)),
        row(
            "function unknown: the default still denies",
            null,
            ENDPOINT,
            "out *",
            allow(100, false, "6", "10.0.0.0/16", 443, 443)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void judge(String name, String function, String endpoint, String blocked, List<Entry> entries) {
    NetworkAcl acl = new NetworkAcl("acl-0c3", List.of("subnet-0b2"), entries);

    Optional<Block> block =
        acl.judge(
            Optional.ofNullable(function).map(NetworkAclTest::address), address(endpoint), 443);

    assertEquals(
        Optional.ofNullable(blocked)
            .map(b -> new Block(b.startsWith("out"), b.substring(b.indexOf(' ') + 1))),
        block,
        name);
  }

  static Arguments row(
      String name, String function, String endpoint, String blocked, Entry... entries) {
    List<Entry> all = new ArrayList<>(List.of(entries));
    all.addAll(DEFAULTS);
    return Arguments.of(name, function, endpoint, blocked, all);
  }

  static Entry allow(int n, boolean egress, String protocol, String cidr, int from, int to) {
    return new Entry(n, egress, protocol, true, cidr, from, to);
  }

  static Entry deny(int n, boolean egress, String protocol, String cidr, int from, int to) {
    return new Entry(n, egress, protocol, false, cidr, from, to);
  }

  static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
