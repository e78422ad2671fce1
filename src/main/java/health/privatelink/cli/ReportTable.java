package health.privatelink.cli;

import health.privatelink.Failure;
import health.privatelink.check.EndpointResult;
import health.privatelink.check.Report;
import health.privatelink.check.TargetResult;
import health.privatelink.check.Timings;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Renders a report as a table for a terminal, with each failure's detail and hint under it. */
final class ReportTable {
  private static final String[] HEADER = {
    "TARGET",
    "RESULT",
    "REASON",
    "STATUS",
    "ADDRESSES",
    "DNS",
    "CONNECT",
    "TLS",
    "TTFB",
    "TOTAL",
    "CERT DAYS"
  };

  private ReportTable() {}

  static String render(Report report) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (TargetResult r : report.results()) {
      rows.add(
          new String[] {
            r.target().name(),
            r.healthy() ? "OK" : "FAIL",
            r.failure().map(f -> f.reason().name()).orElse("-"),
            r.status().isPresent() ? String.valueOf(r.status().getAsInt()) : "-",
            r.addresses().isEmpty()
                ? "-"
                : r.addresses().stream()
                    .map(InetAddress::getHostAddress)
                    .collect(Collectors.joining(",")),
            millis(r.timings().dns()),
            millis(r.timings().connect()),
            millis(r.timings().tls()),
            millis(r.timings().timeToFirstByte()),
            millis(Optional.of(r.timings().total())),
            r.certificateDaysRemaining().isPresent()
                ? String.valueOf(r.certificateDaysRemaining().getAsLong())
                : "-"
          });
      if (r.endpoints().size() > 1) {
        // One indented line per address, so a broken zone stands out from the healthy ones.
        for (EndpointResult e : r.endpoints()) {
          rows.add(endpointRow(e));
        }
      }
    }
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(String.format("%-" + widths[i] + "s", row[i]));
        if (i < row.length - 1) {
          line.append("  ");
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    List<TargetResult> failed = report.results().stream().filter(r -> !r.healthy()).toList();
    if (!failed.isEmpty()) {
      out.append('\n');
      for (TargetResult r : failed) {
        Failure f = r.failure().orElseThrow();
        out.append(r.target().name())
            .append(" (")
            .append(r.target().displayUrl())
            .append("): ")
            .append(f.reason())
            .append('\n');
        out.append("  detail: ").append(f.detail()).append('\n');
        if (r.endpoints().size() > 1) {
          for (EndpointResult e : r.endpoints()) {
            e.failure()
                .ifPresent(ef ->
                    out.append("    ")
                        .append(e.address().getHostAddress())
                        .append(e.zone().map(z -> " (" + z + ")").orElse(""))
                        .append(": ")
                        .append(ef.reason())
                        .append(", ")
                        .append(ef.detail())
                        .append('\n'));
          }
        }
        out.append("  hint:   ").append(f.reason().hint()).append('\n');
        r.diagnosis().ifPresent(d -> out.append("  diagnosis: ").append(d).append('\n'));
      }
    }
    out.append('\n')
        .append(report.results().size() - report.unhealthyCount())
        .append(" of ")
        .append(report.results().size())
        .append(" targets healthy, checked in ")
        .append(Timings.millis(report.duration()))
        .append(" ms at ")
        .append(report.startedAt())
        .append('\n');
    return out.toString();
  }

  private static String[] endpointRow(EndpointResult e) {
    return new String[] {
      "  " + e.address().getHostAddress(),
      e.healthy() ? "OK" : "FAIL",
      e.failure().map(f -> f.reason().name()).orElse("-"),
      e.status().isPresent() ? String.valueOf(e.status().getAsInt()) : "-",
      e.zone().map(z -> "zone " + z).orElse("-"),
      "-",
      millis(e.timings().connect()),
      millis(e.timings().tls()),
      millis(e.timings().timeToFirstByte()),
      millis(Optional.of(e.timings().total())),
      e.certificateDaysRemaining().isPresent()
          ? String.valueOf(e.certificateDaysRemaining().getAsLong())
          : "-"
    };
  }

  private static String millis(Optional<Duration> d) {
    return d.map(x -> Timings.millis(x) + "ms").orElse("-");
  }
}
