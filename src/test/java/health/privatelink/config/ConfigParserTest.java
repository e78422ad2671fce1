package health.privatelink.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.BadInputException;
import health.privatelink.Json;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigParserTest {

  @Test
  void theDeclaredVariablesAreExactlyTheOnesParseReads() {
    Set<Object> read = new java.util.LinkedHashSet<>();
    Map<String, String> recording =
        new HashMap<>() {
          @Override
          public String get(Object key) {
            read.add(key);
            return super.get(key);
          }

          @Override
          public String getOrDefault(Object key, String fallback) {
            read.add(key);
            return super.getOrDefault(key, fallback);
          }
        };
    ConfigParser.parse(recording);
    assertEquals(Set.copyOf(ConfigParser.VARIABLES), read);
  }

  @Test
  void defaultsAreThePrefectTargetsAndPrivateRanges() {
    Config config = ConfigParser.parse(Map.of());

    assertEquals(2, config.targets().size());
    Target api = config.targets().get(0);
    assertEquals("prefect-api", api.name());
    assertEquals(URI.create("https://api.private.prefect.cloud/api/health"), api.url());
    assertEquals("prefect-ui", config.targets().get(1).name());
    assertEquals(
        URI.create("https://app.private.prefect.cloud/private-ui/health"),
        config.targets().get(1).url());
    assertEquals(Set.of(200), api.expectedStatus());
    assertEquals(Duration.ofMillis(5000), api.timeout());
    assertEquals(Optional.empty(), api.bodyContains());
    assertTrue(api.allAddresses());
    assertEquals(
        List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"),
        api.expectedCidrs().stream().map(Cidr::toString).toList());
    assertEquals(List.of(), config.dnsServers());
    assertEquals("PrivateLinkHealth", config.metricsNamespace());
    assertEquals(MetricsMode.API, config.metricsMode());
    assertEquals(MetricsDetail.FULL, config.metricsDetail());
    assertEquals(Optional.empty(), config.alertTopicArn());
    assertEquals(2, config.alertAfterFailures());
    assertEquals(Duration.ofMinutes(60), config.alertReminder());
    assertEquals(Optional.empty(), config.stateTable());
    assertEquals(List.of(), config.vpcEndpointIds());
    assertEquals(Optional.empty(), config.vpcId());
    assertEquals(List.of(), config.securityGroupIds());
  }

  @Test
  void everySettingIsRead() {
    Map<String, String> env = new HashMap<>();
    env.put(
        "TARGETS",
        """
        [{"name": "svc.a_1", "url": "HTTPS://Svc.Example.com:8443/health?deep=1",
          "expectedStatus": [200, 204], "timeoutMs": 2500, "bodyContains": "ok",
          "expectedCidrs": ["100.64.0.0/10"], "allAddresses": false},
         {"name": "b", "url": "http://10.1.2.3/"}]\
        """);
    env.put("EXPECTED_CIDRS", " 10.0.0.0/16 , fd00::/8");
    env.put("DNS_SERVERS", "10.0.0.2, 127.0.0.1:5353,[::1]:53");
    env.put("DEFAULT_TIMEOUT_MS", "1500");
    env.put("METRICS_NAMESPACE", "Team/PrivateLink");
    env.put("METRICS_MODE", "emf");
    env.put("METRICS_DETAIL", "lean");
    env.put("ALERT_TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:alerts");
    env.put("ALERT_AFTER_FAILURES", "3");
    env.put("ALERT_REMINDER_MINUTES", "0");
    env.put("STATE_TABLE", "plh-state");
    env.put("VPC_ENDPOINT_IDS", "vpce-0abc12345def67890,vpce-11112222");
    env.put("VPC_ID", "vpc-0abc1234");
    env.put("SECURITY_GROUP_IDS", "sg-0123abcd");

    Config config = ConfigParser.parse(env);

    Target a = config.targets().get(0);
    assertEquals(URI.create("https://Svc.Example.com:8443/health?deep=1"), a.url());
    assertEquals("/health?deep=1", a.requestTarget());
    assertEquals(8443, a.port());
    assertEquals(Set.of(200, 204), a.expectedStatus());
    assertEquals(Duration.ofMillis(2500), a.timeout());
    assertEquals(Optional.of("ok"), a.bodyContains());
    assertEquals(List.of(Cidr.parse("100.64.0.0/10")), a.expectedCidrs());
    assertFalse(a.allAddresses());
    Target b = config.targets().get(1);
    assertTrue(b.allAddresses());
    assertEquals(Duration.ofMillis(1500), b.timeout());
    assertEquals(80, b.port());
    assertTrue(b.hostIsAddress());
    assertEquals(List.of(Cidr.parse("10.0.0.0/16"), Cidr.parse("fd00::/8")), b.expectedCidrs());
    assertEquals(
        List.of(
            new InetSocketAddress("10.0.0.2", 53),
            new InetSocketAddress("127.0.0.1", 5353),
            new InetSocketAddress("::1", 53)),
        config.dnsServers());
    assertEquals("Team/PrivateLink", config.metricsNamespace());
    assertEquals(MetricsMode.EMF, config.metricsMode());
    assertEquals(MetricsDetail.LEAN, config.metricsDetail());
    assertEquals(Optional.of("arn:aws:sns:eu-west-1:123456789012:alerts"), config.alertTopicArn());
    assertEquals(3, config.alertAfterFailures());
    assertEquals(Duration.ZERO, config.alertReminder());
    assertEquals(Optional.of("plh-state"), config.stateTable());
    assertEquals(List.of("vpce-0abc12345def67890", "vpce-11112222"), config.vpcEndpointIds());
    assertEquals(Optional.of("vpc-0abc1234"), config.vpcId());
    assertEquals(List.of("sg-0123abcd"), config.securityGroupIds());
  }

  @Test
  void dnsServerHostNamesAreKeptUnresolvedUntilTheResolverIsBuilt() {
    Config config = ConfigParser.parse(Map.of("DNS_SERVERS", "localhost:5353,resolver.internal"));
    assertEquals(
        List.of(
            InetSocketAddress.createUnresolved("localhost", 5353),
            InetSocketAddress.createUnresolved("resolver.internal", 53)),
        config.dnsServers());
  }

  @Test
  void emptyExpectedCidrsTurnsTheCheckOff() {
    Config config = ConfigParser.parse(Map.of("EXPECTED_CIDRS", ""));
    assertEquals(List.of(), config.expectedCidrs());
    assertEquals(List.of(), config.targets().get(0).expectedCidrs());
  }

  @Test
  void blankValuesCountAsUnsetAsSamPassesThem() {
    Config config =
        ConfigParser.parse(
            Map.of(
                "TARGETS",
                "",
                "ALERT_TOPIC_ARN",
                " ",
                "STATE_TABLE",
                "",
                "METRICS_MODE",
                "",
                "METRICS_DETAIL",
                ""));
    assertEquals(2, config.targets().size());
    assertEquals(Optional.empty(), config.alertTopicArn());
    assertEquals(MetricsMode.API, config.metricsMode());
    assertEquals(MetricsDetail.FULL, config.metricsDetail());
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        // TARGETS as a whole
        Arguments.of(
            "TARGETS", "[{\"name\": \"a\",", "TARGETS is not valid JSON: Unexpected end-of-input"),
        Arguments.of(
            "TARGETS",
            "{\"name\": \"a\"}",
            "TARGETS must be a JSON array of target objects, got an object"),
        Arguments.of("TARGETS", "[]", "TARGETS must list at least one target, got []"),
        Arguments.of("TARGETS", "[1]", "TARGETS[0] must be a JSON object, got 1"),
        Arguments.of(
            "TARGETS",
            "[{\"url\": \"https://a.example/\"}]",
            "TARGETS[0].name is required: 1-64 of letters, digits, '.', '_', '-'"),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a b\", \"url\": \"https://a.example/\"}]",
            "TARGETS[0].name must be 1-64 of letters, digits, '.', '_', '-', got \"a b\""),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"" + "x".repeat(65) + "\", \"url\": \"https://a.example/\"}]",
            "TARGETS[0].name must be 1-64 of letters, digits, '.', '_', '-', got \""
                + "x".repeat(65)
                + "\""),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\"}]",
            "TARGETS[0].url (target \"a\") is required: an http:// or https:// URL with a host name"),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\", \"url\": \"ftp://a.example/\"}]",
            "TARGETS[0].url (target \"a\") must be an http:// or https:// URL with a host name, got \"ftp://a.example/\""),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\", \"url\": \"a.example/health\"}]",
            "TARGETS[0].url (target \"a\") must be an http:// or https:// URL with a host name, got \"a.example/health\""),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\", \"url\": 5}]",
            "TARGETS[0].url (target \"a\") must be an http:// or https:// URL with a host name, got 5"),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\", \"url\": \"https://u:p@a.example/\"}]",
            "TARGETS[0].url (target \"a\") must not carry credentials (user:password@); got a URL for a.example"),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\", \"url\": \"https://a.example/\"}, {\"name\": \"a\", \"url\": \"https://b.example/\"}]",
            "TARGETS[1].name must be unique, got \"a\" a second time"),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\", \"url\": \"https://a.example/\", \"timeoutMs\": 0}]",
            "TARGETS[0].timeoutMs (target \"a\") must be an integer 100..60000, got 0"),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\", \"url\": \"https://a.example/\", \"timeoutMs\": 60001}]",
            "TARGETS[0].timeoutMs (target \"a\") must be an integer 100..60000, got 60001"),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\", \"url\": \"https://a.example/\", \"timeoutMs\": \"5000\"}]",
            "TARGETS[0].timeoutMs (target \"a\") must be an integer 100..60000, got \"5000\""),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\", \"url\": \"https://a.example/\", \"expectedStatus\": 200}]",
            "TARGETS[0].expectedStatus (target \"a\") must be a non-empty array of HTTP status codes 100..599, got 200"),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\", \"url\": \"https://a.example/\", \"expectedStatus\": [200, 700]}]",
            "TARGETS[0].expectedStatus (target \"a\") must be a non-empty array of HTTP status codes 100..599, got 700"),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\", \"url\": \"https://a.example/\", \"bodyContains\": \"\"}]",
            "TARGETS[0].bodyContains (target \"a\") must be a string of 1..1024 characters, got \"\""),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\", \"url\": \"https://a.example/\", \"expectedCidrs\": [\"10.0.0.0/33\"]}]",
            "TARGETS[0].expectedCidrs (target \"a\") entry \"10.0.0.0/33\" is not a CIDR block: prefix must be 0..32, got \"33\""),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\", \"url\": \"https://a.example/\", \"expectedCidrs\": \"10.0.0.0/8\"}]",
            "TARGETS[0].expectedCidrs (target \"a\") must be an array of CIDR blocks such as \"10.0.0.0/8\", got \"10.0.0.0/8\""),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\", \"url\": \"https://a.example/\", \"timeout\": 5}]",
            "TARGETS[0] has unknown key \"timeout\"; allowed: name, url, expectedStatus, timeoutMs, bodyContains, expectedCidrs, allAddresses"),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\", \"url\": \"https://a.example/\", \"allAddresses\": \"false\"}]",
            "TARGETS[0].allAddresses (target \"a\") must be true or false, got \"false\""),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\", \"url\": \"https://a.example/\", \"allAddresses\": 0}]",
            "TARGETS[0].allAddresses (target \"a\") must be true or false, got 0"),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\", \"url\": \"https://a.example/\", \"allAddresses\": null}]",
            "TARGETS[0].allAddresses (target \"a\") must be true or false, got null"),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\", \"name\": \"b\", \"url\": \"https://a.example/\"}]",
            "TARGETS is not valid JSON: Duplicate field 'name' at line 1, column 22"),
        // the other variables
        Arguments.of(
            "EXPECTED_CIDRS",
            "10.0.0.0/8,,192.168.0.0/16",
            "EXPECTED_CIDRS has an empty entry in \"10.0.0.0/8,,192.168.0.0/16\"; allowed: comma-separated CIDR blocks such as 10.0.0.0/8, or \"\" for no check"),
        Arguments.of(
            "EXPECTED_CIDRS",
            "10.0.0.0",
            "EXPECTED_CIDRS entry \"10.0.0.0\" is not a CIDR block: needs a /prefix, as in 10.0.0.0/8"),
        Arguments.of(
            "EXPECTED_CIDRS",
            "10.0.0.1/8",
            "EXPECTED_CIDRS entry \"10.0.0.1/8\" is not a CIDR block: has bits set past the prefix; did you mean 10.0.0.0/8?"),
        Arguments.of(
            "EXPECTED_CIDRS",
            "private/8",
            "EXPECTED_CIDRS entry \"private/8\" is not a CIDR block: \"private\" is not an IP address"),
        Arguments.of(
            "EXPECTED_CIDRS",
            "10.0.0.0\n/8",
            "EXPECTED_CIDRS entry \"10.0.0.0\\u000a/8\" is not a CIDR block: \"10.0.0.0\\u000a\" is not an IP address"),
        Arguments.of(
            "TARGETS",
            "[{\"name\": \"a\", \"url\": \"https://a.example:65536/\"}]",
            "TARGETS[0].url (target \"a\") port must be 1..65535, got \"https://a.example:65536/\""),
        Arguments.of(
            "DNS_SERVERS",
            "dns_server!",
            "DNS_SERVERS entry \"dns_server!\" in \"dns_server!\" is not an IP address or host name; allowed: host[:port] or [IPv6]:port, comma-separated, e.g. 10.0.0.2:53"),
        Arguments.of(
            "DNS_SERVERS",
            "999.1.1.1",
            "DNS_SERVERS entry \"999.1.1.1\" in \"999.1.1.1\" is not an IP address or host name; allowed: host[:port] or [IPv6]:port, comma-separated, e.g. 10.0.0.2:53"),
        Arguments.of(
            "DNS_SERVERS",
            "10.0.0.2:99999",
            "DNS_SERVERS entry \"10.0.0.2:99999\" has port \"99999\", not 1..65535; allowed: host[:port] or [IPv6]:port, comma-separated, e.g. 10.0.0.2:53"),
        Arguments.of(
            "DEFAULT_TIMEOUT_MS",
            "5s",
            "DEFAULT_TIMEOUT_MS must be an integer 100..60000, got \"5s\""),
        Arguments.of(
            "DEFAULT_TIMEOUT_MS",
            "99",
            "DEFAULT_TIMEOUT_MS must be an integer 100..60000, got \"99\""),
        Arguments.of(
            "METRICS_NAMESPACE",
            "AWS/Lambda",
            "METRICS_NAMESPACE must be 1-255 of letters, digits and . - _ / # : or space, not starting with AWS/, got \"AWS/Lambda\""),
        Arguments.of(
            "METRICS_MODE",
            "cloudwatch",
            "METRICS_MODE must be one of api, emf, off, got \"cloudwatch\""),
        Arguments.of(
            "METRICS_DETAIL",
            "minimal",
            "METRICS_DETAIL must be one of full, lean, got \"minimal\""),
        Arguments.of(
            "ALERT_TOPIC_ARN",
            "alerts",
            "ALERT_TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), got \"alerts\""),
        Arguments.of(
            "ALERT_AFTER_FAILURES",
            "0",
            "ALERT_AFTER_FAILURES must be an integer 1..1440, got \"0\""),
        Arguments.of(
            "ALERT_REMINDER_MINUTES",
            "-5",
            "ALERT_REMINDER_MINUTES must be an integer 0..10080, got \"-5\""),
        Arguments.of(
            "STATE_TABLE",
            "a b",
            "STATE_TABLE must be a DynamoDB table name: 3-255 of letters, digits, '_', '-', '.', got \"a b\""),
        Arguments.of(
            "VPC_ENDPOINT_IDS",
            "vpce-0abc12345def67890,endpoint",
            "VPC_ENDPOINT_IDS entry \"endpoint\" is not valid; allowed: comma-separated VPC endpoint IDs such as vpce-0abc12345def67890"),
        Arguments.of(
            "VPC_ID",
            "vpc-xyz",
            "VPC_ID must be a VPC ID such as vpc-0abc12345def67890, got \"vpc-xyz\""),
        Arguments.of(
            "SECURITY_GROUP_IDS",
            "sg-1",
            "SECURITY_GROUP_IDS entry \"sg-1\" is not valid; allowed: comma-separated security group IDs such as sg-0abc12345def67890"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("errors")
  void badValuesFailWithAMessageNamingVariableValueAndWhatIsAllowed(
      String variable, String value, String message) {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigParser.parse(Map.of(variable, value)));
    if (message.endsWith("Unexpected end-of-input")) {
      assertTrue(e.getMessage().startsWith(message), e.getMessage());
    } else {
      assertEquals(message, e.getMessage());
    }
  }

  @Test
  void aUrlWithAnUnpairedSurrogateIsAConfigurationError() {
    String json = "[{\"name\": \"a\", \"url\": \"https://a.example/\\ud800\"}]";
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigParser.parse(Map.of("TARGETS", json)));
    assertTrue(
        e.getMessage()
            .startsWith(
                "TARGETS[0].url (target \"a\") must be an http:// or https:// URL with a host"
                    + " name, got text that is not valid Unicode"),
        e.getMessage());
  }

  @Test
  void bytesThatLookLikeAnOddUtf32AreReadAsUtf8AndFailAsJson() throws Exception {
    // 00 00 FF FE is the byte-order mark of an unusual UCS-4 order; Jackson's encoding guess
    // failed on it outside its own parse errors.
    byte[] bytes = {0, 0, (byte) 0xFF, (byte) 0xFE, 0, 0, 0, '1'};
    BadInputException e =
        assertThrows(
            BadInputException.class,
            () -> Json.parse(new java.io.ByteArrayInputStream(bytes), "the event"));
    assertTrue(e.getMessage().startsWith("the event is not valid JSON: "), e.getMessage());
  }

  @Test
  void manualTargetsUseTheConfiguredDefaults() {
    TargetsParser parser =
        new TargetsParser(List.of(Cidr.parse("127.0.0.0/8")), Duration.ofMillis(700));
    List<Target> targets =
        parser.parse(
            Json.parse("[{\"name\": \"x\", \"url\": \"https://x.example/\"}]", "targets"),
            "targets");
    assertEquals(Duration.ofMillis(700), targets.getFirst().timeout());
    assertEquals(List.of(Cidr.parse("127.0.0.0/8")), targets.getFirst().expectedCidrs());
    BadInputException e =
        assertThrows(
            BadInputException.class, () -> parser.parse(Json.parse("[{}]", "targets"), "targets"));
    assertEquals(
        "targets[0].name is required: 1-64 of letters, digits, '.', '_', '-'", e.getMessage());
  }

  @Test
  void escapesInThePathAndQueryReachTheServerAsWritten() {
    Target target =
        ConfigParser.parse(
                Map.of(
                    "TARGETS",
                    "[{\"name\": \"a\", \"url\": \"https://a.example/x%2Fy?token=a%26b&q=\u00e4\"}]"))
            .targets()
            .getFirst();
    assertEquals("/x%2Fy?token=a%26b&q=%C3%A4", target.requestTarget());
  }
}
