package health.privatelink.publish;

import java.util.Objects;
import java.util.Optional;

/**
 * What became of one run's metrics; the report shows it as its {@code published.metrics} object.
 *
 * @param mode {@code api}, {@code emf} or {@code off}, as configured
 * @param dataPoints how many data points the run produced (0 when off)
 * @param sentByApi how many CloudWatch accepted through PutMetricData
 * @param writtenAsEmf how many went to standard output as EMF lines
 * @param error why PutMetricData did not take them all, when it did not
 */
public record MetricsOutcome(
    String mode, int dataPoints, int sentByApi, int writtenAsEmf, Optional<String> error) {

  public MetricsOutcome {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(error, "error");
  }
}
