package health.privatelink.config;

/** How metrics leave the function: {@code METRICS_MODE}. */
public enum MetricsMode {
  /** PutMetricData, falling back to EMF lines in the log when the call fails. */
  API,
  /** EMF lines in the log only. */
  EMF,
  /** No metrics. */
  OFF
}
