package health.privatelink.config;

import health.privatelink.Addresses;
import health.privatelink.BadInputException;
import health.privatelink.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses the environment into a validated {@link Config}: defaults first, then validation, and
 * every error names the variable, the bad value and what is allowed.
 */
public final class ConfigParser {
  /** The targets checked when {@code TARGETS} is unset: Prefect Cloud's private endpoints. */
  public static final String DEFAULT_TARGETS =
      """
      [{"name": "prefect-api", "url": "https://api.private.prefect.cloud/api/health"},
       {"name": "prefect-ui", "url": "https://app.private.prefect.cloud/private-ui/health"}]\
      """;

  /**
   * Every variable {@link #parse} reads, in the order of the configuration table: the template, the
   * docs and the tests compare themselves with this list rather than with the source.
   */
  public static final List<String> VARIABLES =
      List.of(
          "TARGETS",
          "EXPECTED_CIDRS",
          "DNS_SERVERS",
          "DEFAULT_TIMEOUT_MS",
          "METRICS_NAMESPACE",
          "METRICS_MODE",
          "METRICS_DETAIL",
          "ALERT_TOPIC_ARN",
          "ALERT_AFTER_FAILURES",
          "ALERT_REMINDER_MINUTES",
          "STATE_TABLE",
          "VPC_ENDPOINT_IDS",
          "VPC_ID",
          "SECURITY_GROUP_IDS");

  public static final String DEFAULT_EXPECTED_CIDRS = "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16";
  public static final int DEFAULT_TIMEOUT_MS = 5000;
  public static final String DEFAULT_NAMESPACE = "PrivateLinkHealth";
  public static final int DEFAULT_ALERT_AFTER_FAILURES = 2;
  public static final int DEFAULT_ALERT_REMINDER_MINUTES = 60;

  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\\.?");
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._/#: -]{1,255}");
  private static final Pattern TOPIC_ARN =
      Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?");
  private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9_.-]{3,255}");
  private static final Pattern ENDPOINT_ID = Pattern.compile("vpce-[0-9a-f]{8,17}");
  private static final Pattern VPC_ID = Pattern.compile("vpc-[0-9a-f]{8,17}");
  private static final Pattern GROUP_ID = Pattern.compile("sg-[0-9a-f]{8,17}");

  private ConfigParser() {}

  /** Parses the given environment; nothing else is read. */
  public static Config parse(Map<String, String> env) {
    List<Cidr> cidrs = cidrList(env);
    Duration timeout =
        Duration.ofMillis(
            integer(
                env,
                "DEFAULT_TIMEOUT_MS",
                DEFAULT_TIMEOUT_MS,
                TargetsParser.MIN_TIMEOUT_MS,
                TargetsParser.MAX_TIMEOUT_MS));
    String targetsJson = value(env, "TARGETS").orElse(DEFAULT_TARGETS);
    List<Target> targets;
    try {
      targets =
          new TargetsParser(cidrs, timeout).parse(Json.parse(targetsJson, "TARGETS"), "TARGETS");
    } catch (BadInputException e) {
      // Read from the environment, bad targets are bad configuration; the words stay the same.
      throw new ConfigException(e.getMessage());
    }
    return new Config(
        targets,
        cidrs,
        dnsServers(env),
        timeout,
        namespace(env),
        metricsMode(env),
        metricsDetail(env),
        matching(
            env,
            "ALERT_TOPIC_ARN",
            TOPIC_ARN,
            "an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)"),
        integer(env, "ALERT_AFTER_FAILURES", DEFAULT_ALERT_AFTER_FAILURES, 1, 1440),
        Duration.ofMinutes(
            integer(env, "ALERT_REMINDER_MINUTES", DEFAULT_ALERT_REMINDER_MINUTES, 0, 10_080)),
        matching(
            env,
            "STATE_TABLE",
            TABLE,
            "a DynamoDB table name: 3-255 of letters, digits, '_', '-', '.'"),
        idList(
            env,
            "VPC_ENDPOINT_IDS",
            ENDPOINT_ID,
            "VPC endpoint IDs such as vpce-0abc12345def67890"),
        matching(env, "VPC_ID", VPC_ID, "a VPC ID such as vpc-0abc12345def67890"),
        idList(
            env,
            "SECURITY_GROUP_IDS",
            GROUP_ID,
            "security group IDs such as sg-0abc12345def67890"));
  }

  /** Parses one CIDR block, naming {@code where} in the error. */
  static Cidr cidr(String text, String where) {
    try {
      return Cidr.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          where + " entry " + Json.quote(text.strip()) + " is not a CIDR block: " + e.getMessage());
    }
  }

  /** A set variable's value; blank counts as unset, as SAM passes unset parameters as "". */
  private static Optional<String> value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  private static List<Cidr> cidrList(Map<String, String> env) {
    // Unlike the other variables, an empty EXPECTED_CIDRS is meaningful: it turns the check off.
    String raw = env.getOrDefault("EXPECTED_CIDRS", DEFAULT_EXPECTED_CIDRS);
    List<Cidr> cidrs = new ArrayList<>();
    for (String part : raw.split(",", -1)) {
      if (part.isBlank()) {
        if (raw.isBlank()) {
          break;
        }
        throw new ConfigException(
            "EXPECTED_CIDRS has an empty entry in "
                + Json.quote(raw)
                + "; allowed: comma-separated CIDR blocks such as 10.0.0.0/8, or \"\" for no check");
      }
      cidrs.add(cidr(part, "EXPECTED_CIDRS"));
    }
    return cidrs;
  }

  private static List<InetSocketAddress> dnsServers(Map<String, String> env) {
    Optional<String> raw = value(env, "DNS_SERVERS");
    if (raw.isEmpty()) {
      return List.of();
    }
    List<InetSocketAddress> servers = new ArrayList<>();
    for (String part : raw.get().split(",", -1)) {
      servers.add(dnsServer(part.strip(), raw.get()));
    }
    return servers;
  }

  private static InetSocketAddress dnsServer(String entry, String raw) {
    String allowed = "; allowed: host[:port] or [IPv6]:port, comma-separated, e.g. 10.0.0.2:53";
    String host = entry;
    int port = 53;
    if (entry.startsWith("[")) {
      int close = entry.indexOf(']');
      if (close < 0) {
        throw new ConfigException(
            "DNS_SERVERS entry " + Json.quote(entry) + " is malformed" + allowed);
      }
      host = entry.substring(1, close);
      String rest = entry.substring(close + 1);
      if (!rest.isEmpty()) {
        port = port(rest.startsWith(":") ? rest.substring(1) : rest, entry, allowed);
      }
    } else if (entry.indexOf(':') >= 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
      host = entry.substring(0, entry.indexOf(':'));
      port = port(entry.substring(entry.indexOf(':') + 1), entry, allowed);
    }
    Optional<InetAddress> address = entry.isEmpty() ? Optional.empty() : Addresses.literal(host);
    if (address.isPresent()) {
      return new InetSocketAddress(address.get(), port);
    }
    // Digits and dots only is an IPv4 address that is not one (999.1.1.1), never a name to look up.
    boolean numeric = host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    if (!numeric && HOST_NAME.matcher(host).matches() && host.length() <= 253) {
      // Left unresolved: parsing never touches the network; the wiring looks it up once at init.
      return InetSocketAddress.createUnresolved(host, port);
    }
    throw new ConfigException(
        "DNS_SERVERS entry "
            + Json.quote(entry)
            + " in "
            + Json.quote(raw)
            + " is not an IP address or host name"
            + allowed);
  }

  private static int port(String text, String entry, String allowed) {
    if (text.matches("\\d{1,5}")) {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    }
    throw new ConfigException(
        "DNS_SERVERS entry "
            + Json.quote(entry)
            + " has port "
            + Json.quote(text)
            + ", not 1..65535"
            + allowed);
  }

  private static int integer(Map<String, String> env, String name, int dflt, int min, int max) {
    Optional<String> raw = value(env, name);
    if (raw.isEmpty()) {
      return dflt;
    }
    String s = raw.get();
    if (s.matches("-?\\d{1,10}")) {
      long n = Long.parseLong(s);
      if (n >= min && n <= max) {
        return (int) n;
      }
    }
    throw new ConfigException(
        name + " must be an integer " + min + ".." + max + ", got " + Json.quote(s));
  }

  private static String namespace(Map<String, String> env) {
    String ns = value(env, "METRICS_NAMESPACE").orElse(DEFAULT_NAMESPACE);
    if (!NAMESPACE.matcher(ns).matches() || ns.startsWith("AWS/")) {
      throw new ConfigException(
          "METRICS_NAMESPACE must be 1-255 of letters, digits and . - _ / # : or space, not"
              + " starting with AWS/, got "
              + Json.quote(ns));
    }
    return ns;
  }

  private static MetricsMode metricsMode(Map<String, String> env) {
    String mode = value(env, "METRICS_MODE").orElse("api");
    return switch (mode.toLowerCase(Locale.ROOT)) {
      case "api" -> MetricsMode.API;
      case "emf" -> MetricsMode.EMF;
      case "off" -> MetricsMode.OFF;
      default ->
          throw new ConfigException(
              "METRICS_MODE must be one of api, emf, off, got " + Json.quote(mode));
    };
  }

  private static MetricsDetail metricsDetail(Map<String, String> env) {
    String detail = value(env, "METRICS_DETAIL").orElse("full");
    return switch (detail.toLowerCase(Locale.ROOT)) {
      case "full" -> MetricsDetail.FULL;
      case "lean" -> MetricsDetail.LEAN;
      default ->
          throw new ConfigException(
              "METRICS_DETAIL must be one of full, lean, got " + Json.quote(detail));
    };
  }

  private static Optional<String> matching(
      Map<String, String> env, String name, Pattern pattern, String allowed) {
    Optional<String> raw = value(env, name);
    if (raw.isPresent() && !pattern.matcher(raw.get()).matches()) {
      throw new ConfigException(name + " must be " + allowed + ", got " + Json.quote(raw.get()));
    }
    return raw;
  }

  private static List<String> idList(
      Map<String, String> env, String name, Pattern pattern, String allowed) {
    Optional<String> raw = value(env, name);
    if (raw.isEmpty()) {
      return List.of();
    }
    List<String> ids = new ArrayList<>();
    for (String part : raw.get().split(",", -1)) {
      String id = part.strip();
      if (!pattern.matcher(id).matches()) {
        throw new ConfigException(
            name
                + " entry "
                + Json.quote(id)
                + " is not valid; allowed: comma-separated "
                + allowed);
      }
      ids.add(id);
    }
    return List.copyOf(ids);
  }
}
