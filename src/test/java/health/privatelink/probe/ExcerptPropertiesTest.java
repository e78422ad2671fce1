package health.privatelink.probe;

import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Whatever a peer sends, its excerpt is short, printable and whole characters only. */
class ExcerptPropertiesTest {

  @Property(tries = 3000)
  void anExcerptIsShortAndPrintable(
      @ForAll String text, @ForAll @IntRange(min = 1, max = 200) int max) {
    String excerpt = Excerpt.of(text, max);
    assertTrue(excerpt.startsWith("\"") && excerpt.endsWith("\""), excerpt);
    String inner = excerpt.substring(1, excerpt.length() - 1);
    String shown =
        inner.endsWith("...") && text.length() > 0 ? inner.substring(0, inner.length() - 3) : inner;
    assertTrue(shown.length() <= max, "longer than " + max + ": " + excerpt);
    assertTrue(
        inner
            .codePoints()
            .noneMatch(c ->
                switch (Character.getType(c)) {
                  case Character.CONTROL,
                      Character.FORMAT,
                      Character.LINE_SEPARATOR,
                      Character.PARAGRAPH_SEPARATOR,
                      Character.SURROGATE ->
                      true;
                  default -> false;
                }),
        "unsafe character in " + excerpt);
  }
}
