package health.privatelink.bench;

/** The one shape of a Markdown table row. */
final class Markdown {
  private Markdown() {}

  static void row(StringBuilder out, String... cells) {
    out.append("| ").append(String.join(" | ", cells)).append(" |\n");
  }
}
