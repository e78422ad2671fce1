package health.privatelink.bench;

import java.util.List;
import java.util.Locale;

/** Medians, percentiles and the number formats of the results. */
final class Stats {
  private Stats() {}

  static double median(List<Double> values) {
    return percentile(values, 50);
  }

  /** Nearest-rank percentile; the median of an even count is the mean of the middle two. */
  static double percentile(List<Double> values, int p) {
    List<Double> sorted = values.stream().sorted().toList();
    if (p == 50 && sorted.size() % 2 == 0) {
      return (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  /** "[min-max]", rounded to whole numbers. */
  static String range(List<Double> values) {
    return "["
        + fmt(values.stream().mapToDouble(Double::doubleValue).min().orElse(0))
        + "-"
        + fmt(values.stream().mapToDouble(Double::doubleValue).max().orElse(0))
        + "]";
  }

  /** A whole number. */
  static String fmt(double value) {
    return String.format(Locale.ROOT, "%.0f", value);
  }

  /** Kilobytes as whole megabytes (MiB), with the unit. */
  static String mb(long kb) {
    return Math.round(kb / 1024.0) + " MB";
  }
}
