package health.privatelink.config;

/** Which measurements are CloudWatch metrics: {@code METRICS_DETAIL}. */
public enum MetricsDetail {
  /** Every metric of the contract. */
  FULL,
  /**
   * Status, failures and counts only; the phase timings, duration and certificate days go to the
   * log, where they cost log bytes instead of a custom metric each.
   */
  LEAN
}
