package health.privatelink.probe;

/**
 * A short, printable excerpt of text a peer sent, safe to put in a report, a log line or an e-mail:
 * control characters are replaced and the length is capped.
 */
final class Excerpt {
  private Excerpt() {}

  static String of(String text, int max) {
    StringBuilder out = new StringBuilder("\"");
    int n = Math.min(text.length(), max);
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      out.append(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ? '?' : c);
    }
    if (text.length() > max) {
      out.append("...");
    }
    return out.append('"').toString();
  }
}
