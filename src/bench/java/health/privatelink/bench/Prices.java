package health.privatelink.bench;

/** us-east-1 list prices (the public pricing pages), in US dollars, and the runs they are for. */
final class Prices {
  private Prices() {}

  /** One run every minute for a 30-day month. */
  static final int RUNS_PER_MONTH = 30 * 24 * 60;

  static final double LAMBDA_ARM_GB_SECOND = 0.0000133334;
  static final double LAMBDA_REQUEST = 0.20 / 1_000_000;
  static final double CUSTOM_METRIC_MONTH = 0.30;
  static final double PUT_METRIC_DATA_REQUEST = 0.01 / 1_000;
  static final double ALARM_MONTH = 0.10;
  static final double LOG_INGEST_GB = 0.50;
  static final double KMS_KEY_MONTH = 1.00;
  static final double DYNAMODB_READ_UNIT = 0.125 / 1_000_000;
  static final double CANARY_RUN = 0.0012;

  /** Lambda gives a function one vCPU at this memory size, and a share in proportion below it. */
  static final int FULL_VCPU_MB = 1769;
}
