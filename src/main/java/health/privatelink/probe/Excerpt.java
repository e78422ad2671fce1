package health.privatelink.probe;

/**
 * A short, printable excerpt of text a peer sent, safe to put in a report, a log line or an e-mail:
 * control characters, Unicode format characters (such as a right-to-left override, which can make
 * an e-mail read other than it is) and line separators are replaced, and the length is capped
 * without splitting a character.
 */
final class Excerpt {
  private Excerpt() {}

  static String of(String text, int max) {
    StringBuilder out = new StringBuilder("\"");
    int i = 0;
    int shown = 0;
    while (i < text.length() && shown < max) {
      int c = text.codePointAt(i);
      int width = Character.charCount(c);
      if (shown + width > max) {
        break;
      }
      if (safe(c)) {
        out.appendCodePoint(c);
      } else {
        out.append('?');
      }
      i += width;
      shown += width;
    }
    if (i < text.length()) {
      out.append("...");
    }
    return out.append('"').toString();
  }

  private static boolean safe(int c) {
    return switch (Character.getType(c)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE,
          Character.PRIVATE_USE,
          Character.UNASSIGNED ->
          false;
      default -> true;
    };
  }
}
