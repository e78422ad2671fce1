package health.privatelink.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.check.TargetResult;
import health.privatelink.testing.TestReports;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line's table: a target of several addresses shows one indented line per address. */
class ReportTableTest {
  private static final Instant AT = Instant.parse("2026-11-24T16:00:00Z");

  @Test
  void aTargetOfSeveralAddressesHasOneIndentedLinePerAddress() throws Exception {
    TargetResult zones =
        TestReports.oneZoneBroken("api")
            .withDiagnosis("d", Map.of(InetAddress.getByName("10.0.2.17"), "use1-az2"));

    List<String> lines =
        ReportTable.render(TestReports.report(AT, zones, TestReports.passed("ui")))
            .lines()
            .toList();

    assertTrue(lines.get(1).startsWith("api "), lines.get(1));
    assertTrue(
        lines.get(2).matches("  10\\.0\\.1\\.23 +OK +- +200 +- +- +1ms +12ms +30ms +43ms +300"),
        lines.get(2));
    assertTrue(
        lines
            .get(3)
            .matches(
                "  10\\.0\\.2\\.17 +FAIL +CONNECT_TIMEOUT +- +zone use1-az2 +- +- +- +- +5000ms +-"),
        lines.get(3));
    assertTrue(lines.get(4).startsWith("  10.0.3.5 "), lines.get(4));
    assertTrue(
        lines.get(5).startsWith("ui "),
        "a one-address target has no address lines: " + lines.get(5));
    assertTrue(
        lines.contains("    10.0.2.17 (use1-az2): CONNECT_TIMEOUT, no TCP answer within 5000 ms"),
        String.join("\n", lines));
  }

  @Test
  void aOneAddressTargetHasNoAddressLines() {
    TargetResult passed = TestReports.passed("ui");
    TargetResult oneAddress =
        new TargetResult(
            passed.target(),
            passed.failure(),
            passed.addresses(),
            passed.status(),
            passed.timings(),
            passed.certificateDaysRemaining(),
            passed.diagnosis(),
            List.of(TestReports.oneZoneBroken("api").endpoints().getFirst()));

    String table = ReportTable.render(TestReports.report(AT, oneAddress));

    // The header, the target, a blank line and the summary.
    assertEquals(4, table.lines().count(), table);
  }
}
