package health.privatelink.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import health.privatelink.config.ConfigParser;
import java.util.Map;
import java.util.TreeSet;

/**
 * One bad value for every variable of the contract's configuration table, each rejected without a
 * look-up or a connection (a bad address, not a name to resolve, for DNS_SERVERS).
 */
public final class BadSettings {
  private BadSettings() {}

  private static final Map<String, String> VALUES =
      Map.ofEntries(
          Map.entry("TARGETS", "[]"),
          Map.entry("EXPECTED_CIDRS", "10.0.0.0"),
          Map.entry("DNS_SERVERS", "999.1.1.1"),
          Map.entry("DEFAULT_TIMEOUT_MS", "fast"),
          Map.entry("METRICS_NAMESPACE", "AWS/Lambda"),
          Map.entry("METRICS_MODE", "cloudwatch"),
          Map.entry("METRICS_DETAIL", "minimal"),
          Map.entry("ALERT_TOPIC_ARN", "alerts"),
          Map.entry("ALERT_AFTER_FAILURES", "0"),
          Map.entry("ALERT_REMINDER_MINUTES", "-5"),
          Map.entry("STATE_TABLE", "a b"),
          Map.entry("VPC_ENDPOINT_IDS", "endpoint"),
          Map.entry("VPC_ID", "vpc-xyz"),
          Map.entry("SECURITY_GROUP_IDS", "sg-1"));

  /** Variable to a bad value, for every variable the configuration declares, and no other. */
  public static Map<String, String> all() {
    assertEquals(
        new TreeSet<>(ConfigParser.VARIABLES),
        new TreeSet<>(VALUES.keySet()),
        "one bad value for each configuration variable");
    return VALUES;
  }
}
