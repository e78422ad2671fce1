package health.privatelink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.config.ConfigParser;
import health.privatelink.publish.Metrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Holds README.md and docs/ to themselves and to the code: every relative link and anchor resolves,
 * and every name the code declares (configuration variables, metrics, failure reasons) is
 * documented on the reference page.
 */
class DocsTest {
  private static final Path README = Path.of("README.md");
  private static final Path DOCS = Path.of("docs");
  private static final Path REFERENCE = DOCS.resolve("reference.md");

  /** An inline Markdown link or image: {@code [text](target)} or {@code [text](target "title")}. */
  private static final Pattern LINK =
      Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

  private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern INLINE_CODE = Pattern.compile("`+[^`]*`+");
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

  @Test
  void everyRelativeLinkAndAnchorResolves() {
    List<String> broken = new ArrayList<>();
    for (Path page : pages()) {
      for (String target : links(read(page))) {
        problem(page, target).ifPresent(broken::add);
      }
    }
    assertEquals(List.of(), broken, "broken links");
  }

  @Test
  void everyPageOpensWithOneLineSayingWhatItAnswers() {
    for (Path page : docsPages()) {
      List<String> lines = read(page).lines().toList();
      assertTrue(lines.size() > 2 && lines.get(0).startsWith("# "), page + ": a title first");
      String opening = lines.get(2);
      assertFalse(opening.isBlank() || opening.startsWith("#"), page + ": one opening line");
      assertTrue(lines.get(3).isBlank(), page + ": the opening is one line, then a blank line");
    }
  }

  @Test
  void theReferenceNamesEveryConfigurationVariable() {
    assertDocumented(ConfigParser.VARIABLES, "configuration variable");
  }

  @Test
  void theReferenceNamesEveryMetric() {
    assertDocumented(Metrics.NAMES, "metric");
  }

  @Test
  void theReferenceNamesEveryFailureReason() {
    assertDocumented(Stream.of(Reason.values()).map(Reason::name).toList(), "failure reason");
  }

  @Test
  void theReadmeStaysShort() {
    long lines = read(README).lines().count();
    assertTrue(lines <= 200, "README.md has " + lines + " lines; move detail to docs/");
  }

  @Test
  void slugsFollowGitHubsRules() {
    assertEquals("deploy-step-by-step", slug("Deploy step by step"));
    assertEquals("metrics_mode", slug("`METRICS_MODE`"));
    assertEquals(
        "reliability-and-security-what-was-tried",
        slug("Reliability and security: what was tried"));
    assertEquals("several-vpcs-or-accounts", slug("Several VPCs or accounts"));
    assertEquals("the-report-json", slug("The [report](x.md) (JSON)"));
    assertEquals("alarms--what-to-do", slug("Alarms & what to do"));
  }

  @Test
  void aBrokenLinkOrAnchorIsFound() {
    Path reference = REFERENCE;
    assertTrue(problem(README, "docs/no-such-page.md").isPresent());
    assertTrue(problem(README, "docs/reference.md#no-such-heading").isPresent());
    assertTrue(problem(reference, "#no-such-heading").isPresent());
    assertFalse(problem(reference, "#failure-reasons").isPresent());
    assertEquals(
        List.of("a.md", "#b", "https://example.com"),
        links("[a](a.md) `[c](c.md)` [b](#b) [d](https://example.com)\n```\n[e](e.md)\n```\n"));
  }

  private static void assertDocumented(List<String> names, String kind) {
    String reference = read(REFERENCE);
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      if (!reference.contains("`" + name + "`")) {
        missing.add(name);
      }
    }
    assertFalse(names.isEmpty(), "the code declares no " + kind);
    assertEquals(List.of(), missing, "each " + kind + " in `backticks` in " + REFERENCE);
  }

  /** What is wrong with a link from {@code page}, if anything. */
  private static Optional<String> problem(Path page, String target) {
    if (SCHEME.matcher(target).find() || target.startsWith("//")) {
      return Optional.empty();
    }
    int hash = target.indexOf('#');
    String path = hash < 0 ? target : target.substring(0, hash);
    String anchor = hash < 0 ? null : target.substring(hash + 1);
    Path file = path.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(path).normalize();
    if (!Files.exists(file)) {
      return Optional.of(page + ": " + target + ": no file " + path);
    }
    if (anchor != null && !anchors(read(file)).contains(anchor)) {
      return Optional.of(page + ": " + target + ": no heading #" + anchor);
    }
    return Optional.empty();
  }

  /** Link targets outside fenced code blocks and inline code spans. */
  static List<String> links(String markdown) {
    List<String> targets = new ArrayList<>();
    for (String line : prose(markdown)) {
      Matcher m = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
      while (m.find()) {
        targets.add(m.group(1));
      }
    }
    return targets;
  }

  /** Every heading's anchor, numbered as GitHub numbers repeated headings. */
  static Set<String> anchors(String markdown) {
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (String line : prose(markdown)) {
      Matcher m = HEADING.matcher(line);
      if (m.matches()) {
        String slug = slug(m.group(2));
        int n = seen.merge(slug, 1, Integer::sum);
        anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
      }
    }
    return anchors;
  }

  /** GitHub's anchor: link text kept, lower case, punctuation dropped, each space a hyphen. */
  static String slug(String heading) {
    String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
    return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }

  /** The lines outside fenced code blocks. */
  private static List<String> prose(String markdown) {
    List<String> lines = new ArrayList<>();
    boolean fenced = false;
    for (String line : markdown.lines().toList()) {
      String trimmed = line.strip();
      if (trimmed.startsWith("```") || trimmed.startsWith("~~~")) {
        fenced = !fenced;
      } else if (!fenced) {
        lines.add(line);
      }
    }
    return lines;
  }

  private static List<Path> pages() {
    List<Path> pages = new ArrayList<>();
    pages.add(README);
    pages.addAll(docsPages());
    return pages;
  }

  private static List<Path> docsPages() {
    try (Stream<Path> files = Files.list(DOCS)) {
      List<Path> pages = files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
      assertFalse(pages.isEmpty(), "no pages in " + DOCS);
      return pages;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
