package health.privatelink.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of bad input for property tests: any text, any JSON value, edits of valid text, and
 * target objects and URLs whose every part may be wrong.
 */
public final class JsonArbitraries {
  private JsonArbitraries() {}

  /** Edits of text: cut, insert, replace, repeat, wrap. */
  public static Arbitrary<UnaryOperator<String>> mutations() {
    Arbitrary<Integer> at = Arbitraries.integers().between(0, 400);
    Arbitrary<String> piece =
        Arbitraries.oneOf(
            Arbitraries.of(
                "\"",
                "{",
                "}",
                "[",
                "]",
                ",",
                ":",
                "\\",
                "\\u0000",
                "null",
                "-1",
                "1e400",
                "99999999999999999999",
                "0.5",
                "true",
                "\"url\": \"https://x\"",
                "\"name\": \"a\"",
                "\"extra\": 1",
                "://",
                ":99999",
                ":0",
                "/",
                "%",
                "%zz",
                "\u0000",
                "\u202e",
                "\uD83D\uDE00",
                "\uD83D",
                " ",
                "\t\n",
                "[".repeat(100),
                "{\"a\":".repeat(70)),
            Arbitraries.strings().ofMaxLength(8));
    return Arbitraries.oneOf(
        at.map(i -> s -> s.substring(0, Math.min(i, s.length()))),
        Combinators.combine(at, piece)
            .as((i, p) ->
                s ->
                    s.substring(0, Math.min(i, s.length()))
                        + p
                        + s.substring(Math.min(i, s.length()))),
        Combinators.combine(at, Arbitraries.integers().between(1, 20), piece)
            .as((i, n, p) ->
                s -> {
                  int from = Math.min(i, s.length());
                  int to = Math.min(from + n, s.length());
                  return s.substring(0, from) + p + s.substring(to);
                }),
        Arbitraries.integers().between(2, 5000).map(n -> s -> s.repeat(Math.min(n, 50))),
        Arbitraries.just(s -> "[" + s + "]"),
        Arbitraries.just(s -> s));
  }

  public static Arbitrary<String> texts() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(200),
        Arbitraries.strings().ascii().ofMaxLength(200),
        Arbitraries.strings().withChars("[]{}\",:0123456789.eE-+truefalsn \\u").ofMaxLength(100),
        Arbitraries.of(
            "",
            " ",
            "[".repeat(10_000),
            "[" + "9".repeat(40) + "]",
            "[1e999999999]",
            "\"" + "x".repeat(2 << 20) + "\"",
            "{\"a\": 1, \"a\": 2}",
            "\uFEFF[]"));
  }

  /** Target objects whose every field may hold a value of any type. */
  public static Arbitrary<Map<String, Object>> targetObjects() {
    Arbitrary<Object> anything = jsonValues(2);
    Arbitrary<Object> name =
        Arbitraries.oneOf(
            Arbitraries.strings().withChars("abcXYZ09._-").ofMinLength(1).ofMaxLength(70),
            anything);
    Arbitrary<Object> url = Arbitraries.oneOf(urls().map(u -> (Object) u), anything);
    Arbitrary<Object> status =
        Arbitraries.oneOf(
            Arbitraries.integers()
                .between(-1, 1000)
                .map(i -> (Object) i)
                .list()
                .ofMaxSize(3)
                .map(l -> (Object) l),
            anything);
    Arbitrary<Object> timeout =
        Arbitraries.oneOf(
            Arbitraries.longs().between(-10, 100_000).map(l -> (Object) l),
            Arbitraries.doubles().map(d -> (Object) d),
            anything);
    Arbitrary<Object> cidrs =
        Arbitraries.oneOf(
            Arbitraries.of("10.0.0.0/8", "10.0.0.1/8", "::/0", "1.2.3.4/33", "x/1", "/", ":/1")
                .list()
                .ofMaxSize(2)
                .map(l -> (Object) l),
            anything);
    return Combinators.combine(
            name, url, status, timeout, anything, cidrs, Arbitraries.integers().between(0, 127))
        .as((n, u, s, t, b, c, present) -> {
          Map<String, Object> target = new LinkedHashMap<>();
          Object[] values = {n, u, s, t, b, c, 1};
          String[] keys = {
            "name", "url", "expectedStatus", "timeoutMs", "bodyContains", "expectedCidrs", "x"
          };
          for (int i = 0; i < keys.length; i++) {
            // Mostly the required keys, sometimes the optional ones, rarely an unknown one.
            boolean keep =
                i < 2 ? (present & 3) != 0 : i < 6 ? ((present >> i) & 1) == 1 : present == 127;
            if (keep) {
              target.put(keys[i], values[i]);
            }
          }
          return target;
        });
  }

  /** Any JSON value, nested up to {@code depth}. */
  public static Arbitrary<Object> jsonValues(int depth) {
    Arbitrary<Object> scalar =
        Arbitraries.oneOf(
            Arbitraries.strings().all().ofMaxLength(20).map(s -> (Object) s),
            Arbitraries.longs().map(l -> (Object) l),
            Arbitraries.doubles().map(d -> (Object) d),
            Arbitraries.of(Boolean.TRUE, Boolean.FALSE).map(b -> (Object) b),
            Arbitraries.just(null),
            Arbitraries.of("1e308", "-0", "12345678901234567890123").map(RawNumber::new));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<Object> inner = jsonValues(depth - 1);
    return Arbitraries.oneOf(
        scalar,
        inner.list().ofMaxSize(3).map(l -> (Object) l),
        Arbitraries.maps(Arbitraries.strings().all().ofMaxLength(6), inner)
            .ofMaxSize(3)
            .map(m -> (Object) m));
  }

  public static Arbitrary<String> urls() {
    Arbitrary<String> scheme = Arbitraries.of("https", "http", "HTTPS", "ftp", "", "https:");
    Arbitrary<String> host =
        Arbitraries.oneOf(
            Arbitraries.of(
                "a.example.test",
                "127.0.0.1",
                "[::1]",
                "[fe80::1%25eth0]",
                "",
                "under_score.test",
                "exämple.test",
                "x".repeat(300),
                "a..b",
                "-a.test",
                "1.2.3",
                "u:p@a.test"),
            Arbitraries.strings().withChars("abc.-_:[]%@").ofMaxLength(12));
    Arbitrary<String> port =
        Arbitraries.oneOf(
            Arbitraries.of("", ":", ":0", ":1", ":443", ":65535", ":65536", ":99999", ":-1"),
            Arbitraries.integers().between(0, 200_000).map(i -> ":" + i),
            Arbitraries.strings().numeric().ofMaxLength(12).map(s -> ":" + s));
    Arbitrary<String> rest =
        Arbitraries.oneOf(
            Arbitraries.of("", "/", "/api/health", "/a b", "/%41%2F?x=%26y#frag", "?q", "/ü?ä=1"),
            Arbitraries.strings().all().ofMaxLength(10));
    return Combinators.combine(scheme, host, port, rest).as((s, h, p, r) -> s + "://" + h + p + r);
  }

  // ---- rendering generated values as JSON ----

  /** A number written as it stands, for values no Java number type prints the same way. */
  public record RawNumber(String text) {}

  public static String render(Object value) {
    StringBuilder out = new StringBuilder();
    render(value, out);
    return out.toString();
  }

  private static void render(Object value, StringBuilder out) {
    switch (value) {
      case null -> out.append("null");
      case String s -> out.append(jsonString(s));
      case RawNumber n -> out.append(n.text());
      case Double d when d.isNaN() || d.isInfinite() -> out.append("1e999");
      case Map<?, ?> m -> {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          out.append(jsonString(String.valueOf(e.getKey()))).append(':');
          render(e.getValue(), out);
        }
        out.append('}');
      }
      case List<?> l -> {
        out.append('[');
        for (int i = 0; i < l.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          render(l.get(i), out);
        }
        out.append(']');
      }
      default -> out.append(value);
    }
  }

  public static String jsonString(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
