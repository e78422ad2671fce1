package health.privatelink.diagnose;

import health.privatelink.Deadline;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * The endpoint's own CloudWatch metrics ({@code AWS/PrivateLinkEndpoints}) per subnet, read to name
 * a broken zone. A read that fails answers nothing rather than failing the diagnosis: the sentence
 * is whole without the numbers.
 */
public interface EndpointMetrics {
  /** How far back the metrics are read. */
  Duration WINDOW = Duration.ofMinutes(5);

  /**
   * The sums over {@link #WINDOW} in one subnet.
   *
   * @param packetsDropped {@code PacketsDropped}
   * @param resetsReceived {@code RstPacketsReceived}
   */
  record Counts(long packetsDropped, long resetsReceived) {}

  /**
   * The counts of {@code endpoint} in each of {@code subnetIds} that reported data in the window,
   * in one call; empty when the read failed or nothing was reported.
   */
  Map<String, Counts> read(VpcEndpoint endpoint, Collection<String> subnetIds, Deadline deadline);
}
