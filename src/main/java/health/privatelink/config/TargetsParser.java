package health.privatelink.config;

import health.privatelink.BadInputException;
import health.privatelink.Json;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a JSON array of target objects into validated {@link Target}s, from {@code TARGETS} or from
 * the {@code targets} of a manual invocation.
 */
public final class TargetsParser {
  /** The smallest and largest {@code timeoutMs} a target may set. */
  public static final int MIN_TIMEOUT_MS = 100;

  public static final int MAX_TIMEOUT_MS = 60_000;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Set<String> KEYS =
      Set.of(
          "name",
          "url",
          "expectedStatus",
          "timeoutMs",
          "bodyContains",
          "expectedCidrs",
          "allAddresses");
  private static final int MAX_BODY_CONTAINS = 1024;

  private final List<Cidr> defaultCidrs;
  private final Duration defaultTimeout;

  /**
   * @param defaultCidrs the ranges of a target that sets no {@code expectedCidrs}
   * @param defaultTimeout the budget of a target that sets no {@code timeoutMs}
   */
  public TargetsParser(List<Cidr> defaultCidrs, Duration defaultTimeout) {
    this.defaultCidrs = List.copyOf(defaultCidrs);
    this.defaultTimeout = defaultTimeout;
  }

  /**
   * Validates a parsed JSON value as a list of targets.
   *
   * @param where the name of the input in messages: {@code TARGETS} or {@code targets}
   * @throws BadInputException naming the target and its field; the configuration makes it a
   *     configuration error, a manual event's answer carries it
   */
  public List<Target> parse(Object json, String where) {
    if (!(json instanceof List<?> array)) {
      throw new BadInputException(
          where + " must be a JSON array of target objects, got " + Json.describe(json));
    }
    if (array.isEmpty()) {
      throw new BadInputException(where + " must list at least one target, got []");
    }
    List<Target> targets = new ArrayList<>(array.size());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      Target target = parseOne(array.get(i), where + "[" + i + "]");
      if (!names.add(target.name())) {
        throw new BadInputException(
            where
                + "["
                + i
                + "].name must be unique, got "
                + Json.quote(target.name())
                + " a second time");
      }
      targets.add(target);
    }
    return List.copyOf(targets);
  }

  private Target parseOne(Object json, String at) {
    if (!(json instanceof Map<?, ?> object)) {
      throw new BadInputException(at + " must be a JSON object, got " + Json.describe(json));
    }
    for (Object key : object.keySet()) {
      if (!KEYS.contains(key)) {
        throw new BadInputException(
            at
                + " has unknown key "
                + Json.quote((String) key)
                + "; allowed: name, url, expectedStatus, timeoutMs, bodyContains, expectedCidrs,"
                + " allAddresses");
      }
    }
    String name = name(object, at);
    String field = at + ".";
    String label = " (target " + Json.quote(name) + ")";
    URI url = url(object.get("url"), field + "url" + label, object.containsKey("url"));
    Set<Integer> status = expectedStatus(object, field + "expectedStatus" + label);
    Duration timeout = timeout(object, field + "timeoutMs" + label);
    Optional<String> body = bodyContains(object, field + "bodyContains" + label);
    List<Cidr> cidrs = cidrs(object, field + "expectedCidrs" + label);
    boolean all = allAddresses(object, field + "allAddresses" + label);
    return new Target(name, url, status, timeout, body, cidrs, all);
  }

  private static String name(Map<?, ?> object, String at) {
    if (!object.containsKey("name")) {
      throw new BadInputException(at + ".name is required: 1-64 of letters, digits, '.', '_', '-'");
    }
    Object value = object.get("name");
    if (!(value instanceof String s) || !NAME.matcher(s).matches()) {
      throw new BadInputException(
          at + ".name must be 1-64 of letters, digits, '.', '_', '-', got " + Json.describe(value));
    }
    return s;
  }

  private static URI url(Object value, String at, boolean present) {
    String allowed = "an http:// or https:// URL with a host name";
    if (!present) {
      throw new BadInputException(at + " is required: " + allowed);
    }
    if (!(value instanceof String s)) {
      throw new BadInputException(at + " must be " + allowed + ", got " + Json.describe(value));
    }
    if (!StandardCharsets.UTF_8.newEncoder().canEncode(s)) {
      // An unpaired surrogate cannot be percent-encoded; the JDK's URI fails on it unchecked.
      throw new BadInputException(
          at + " must be " + allowed + ", got text that is not valid Unicode: " + Json.quote(s));
    }
    URI uri;
    try {
      uri = new URI(s.strip());
    } catch (URISyntaxException e) {
      throw new BadInputException(
          at + " must be " + allowed + ", got " + Json.quote(s) + " (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new BadInputException(at + " must be " + allowed + ", got " + Json.quote(s));
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new BadInputException(at + " must name a host, got " + Json.quote(s));
    }
    if (uri.getRawUserInfo() != null) {
      throw new BadInputException(
          at + " must not carry credentials (user:password@); got a URL for " + uri.getHost());
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      throw new BadInputException(at + " port must be 1..65535, got " + Json.quote(s));
    }
    // Rebuilt from the raw parts: decoding and re-encoding would turn an escaped "%26" in the
    // query into a bare "&", and the server would be asked for something else. Characters
    // outside ASCII are percent-encoded as UTF-8, so the request line stays ASCII.
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    try {
      URI rebuilt = new URI(scheme + "://" + uri.getRawAuthority() + path + query);
      return new URI(rebuilt.toASCIIString());
    } catch (URISyntaxException e) {
      throw new BadInputException(at + " must be " + allowed + ", got " + Json.quote(s));
    }
  }

  private static Set<Integer> expectedStatus(Map<?, ?> object, String at) {
    if (!object.containsKey("expectedStatus")) {
      return Set.of(200);
    }
    Object value = object.get("expectedStatus");
    String allowed = "a non-empty array of HTTP status codes 100..599";
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      throw new BadInputException(at + " must be " + allowed + ", got " + Json.describe(value));
    }
    Set<Integer> codes = new LinkedHashSet<>();
    for (Object code : list) {
      Long n = integer(code);
      if (n == null || n < 100 || n > 599) {
        throw new BadInputException(at + " must be " + allowed + ", got " + Json.describe(code));
      }
      codes.add(n.intValue());
    }
    return codes;
  }

  private Duration timeout(Map<?, ?> object, String at) {
    if (!object.containsKey("timeoutMs")) {
      return defaultTimeout;
    }
    Object value = object.get("timeoutMs");
    Long n = integer(value);
    if (n == null || n < MIN_TIMEOUT_MS || n > MAX_TIMEOUT_MS) {
      throw new BadInputException(
          at
              + " must be an integer "
              + MIN_TIMEOUT_MS
              + ".."
              + MAX_TIMEOUT_MS
              + ", got "
              + Json.describe(value));
    }
    return Duration.ofMillis(n);
  }

  private static Optional<String> bodyContains(Map<?, ?> object, String at) {
    if (!object.containsKey("bodyContains")) {
      return Optional.empty();
    }
    Object value = object.get("bodyContains");
    if (!(value instanceof String s) || s.isEmpty() || s.length() > MAX_BODY_CONTAINS) {
      throw new BadInputException(
          at
              + " must be a string of 1.."
              + MAX_BODY_CONTAINS
              + " characters, got "
              + Json.describe(value));
    }
    return Optional.of(s);
  }

  private List<Cidr> cidrs(Map<?, ?> object, String at) {
    if (!object.containsKey("expectedCidrs")) {
      return defaultCidrs;
    }
    Object value = object.get("expectedCidrs");
    if (!(value instanceof List<?> list)) {
      throw new BadInputException(
          at
              + " must be an array of CIDR blocks such as \"10.0.0.0/8\", got "
              + Json.describe(value));
    }
    List<Cidr> cidrs = new ArrayList<>();
    for (Object entry : list) {
      if (!(entry instanceof String s)) {
        throw new BadInputException(
            at + " must hold CIDR blocks such as \"10.0.0.0/8\", got " + Json.describe(entry));
      }
      try {
        cidrs.add(Cidr.parse(s));
      } catch (IllegalArgumentException e) {
        // Bad input, not configuration: a manual event's targets are answered, not failed; the
        // environment's TARGETS turns it into a ConfigException like every other target error.
        throw new BadInputException(
            at + " entry " + Json.quote(s.strip()) + " is not a CIDR block: " + e.getMessage());
      }
    }
    return cidrs;
  }

  private static boolean allAddresses(Map<?, ?> object, String at) {
    if (!object.containsKey("allAddresses")) {
      return true;
    }
    Object value = object.get("allAddresses");
    if (!(value instanceof Boolean b)) {
      throw new BadInputException(at + " must be true or false, got " + Json.describe(value));
    }
    return b;
  }

  /** The value as a whole number, or null when it is not one. */
  private static Long integer(Object value) {
    if (value instanceof Long l) {
      return l;
    }
    if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return d.longValue();
    }
    return null;
  }
}
