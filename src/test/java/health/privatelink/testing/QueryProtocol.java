package health.privatelink.testing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AWS query protocol as SNS and EC2 speak it: a form-encoded POST in, XML out. The one decoder
 * of the form and its numbered lists for the test servers.
 */
public final class QueryProtocol {
  private QueryProtocol() {}

  /** The parameters of a form body, in order. */
  public static Map<String, String> decode(String form) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String pair : form.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      fields.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return fields;
  }

  /** The members of list {@code prefix}: {@code prefix.1}, {@code prefix.2}, ... in order. */
  public static List<String> members(Map<String, String> params, String prefix) {
    List<String> values = new ArrayList<>();
    for (int i = 1; params.containsKey(prefix + "." + i); i++) {
      values.add(params.get(prefix + "." + i));
    }
    return values;
  }

  /** The values of EC2 filter {@code name}, in order; empty when the form has no such filter. */
  public static List<String> filter(Map<String, String> params, String name) {
    for (int i = 1; params.containsKey("Filter." + i + ".Name"); i++) {
      if (params.get("Filter." + i + ".Name").equals(name)) {
        return members(params, "Filter." + i + ".Value");
      }
    }
    return List.of();
  }

  /** {@code <name>value</name>}, the value escaped. */
  public static String tag(String name, String value) {
    return "<" + name + ">" + escape(value) + "</" + name + ">";
  }

  /** Text escaped for XML content. */
  public static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
