package health.privatelink.diagnose;

import health.privatelink.Deadline;
import health.privatelink.aws.CallLimits;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;

/**
 * {@link EndpointMetrics} through one GetMetricData call: {@code PacketsDropped} and {@code
 * RstPacketsReceived} summed over the window, per subnet, with the five dimensions PrivateLink
 * publishes them under ({@code Endpoint Type}, {@code Service Name}, {@code Subnet Id}, {@code VPC
 * Endpoint Id}, {@code VPC Id}).
 */
public final class CloudWatchEndpointMetrics implements EndpointMetrics {
  static final String NAMESPACE = "AWS/PrivateLinkEndpoints";

  private final Supplier<CloudWatchClient> client;
  private final Supplier<Instant> clock;

  /**
   * @param client the CloudWatch client, built on first use by the one factory
   * @param clock now
   */
  public CloudWatchEndpointMetrics(Supplier<CloudWatchClient> client, Supplier<Instant> clock) {
    this.client = client;
    this.clock = clock;
  }

  @Override
  public Map<String, Counts> read(
      VpcEndpoint endpoint, Collection<String> subnetIds, Deadline deadline) {
    Optional<AwsRequestOverrideConfiguration> within = CallLimits.within(deadline);
    List<String> subnets = List.copyOf(new LinkedHashSet<>(subnetIds));
    if (within.isEmpty() || subnets.isEmpty()) {
      return Map.of();
    }
    // Whole minutes: PrivateLink publishes one point a minute, and a window on minute boundaries
    // sums each of them once.
    Instant end = clock.get().truncatedTo(ChronoUnit.MINUTES);
    Instant start = end.minus(WINDOW);
    List<MetricDataQuery> queries = new ArrayList<>();
    for (int i = 0; i < subnets.size(); i++) {
      queries.add(query("d" + i, "PacketsDropped", endpoint, subnets.get(i)));
      queries.add(query("r" + i, "RstPacketsReceived", endpoint, subnets.get(i)));
    }
    GetMetricDataResponse response;
    try {
      response =
          client
              .get()
              .getMetricData(
                  GetMetricDataRequest.builder()
                      .metricDataQueries(queries)
                      .startTime(start)
                      .endTime(end)
                      .overrideConfiguration(within.get())
                      .build());
    } catch (SdkException e) {
      return Map.of(); // denied, throttled, unreachable: the sentence goes without the numbers
    }
    Map<String, Double> sums = new LinkedHashMap<>();
    for (MetricDataResult r : response.metricDataResults()) {
      if (r.hasValues() && !r.values().isEmpty()) {
        sums.put(r.id(), r.values().stream().mapToDouble(Double::doubleValue).sum());
      }
    }
    Map<String, Counts> counts = new LinkedHashMap<>();
    for (int i = 0; i < subnets.size(); i++) {
      Double dropped = sums.get("d" + i);
      Double resets = sums.get("r" + i);
      if (dropped != null || resets != null) {
        counts.put(
            subnets.get(i),
            new Counts(
                Math.round(dropped == null ? 0 : dropped),
                Math.round(resets == null ? 0 : resets)));
      }
    }
    return counts;
  }

  private static MetricDataQuery query(
      String id, String metric, VpcEndpoint endpoint, String subnet) {
    return MetricDataQuery.builder()
        .id(id)
        .returnData(true)
        .metricStat(
            MetricStat.builder()
                .metric(
                    Metric.builder()
                        .namespace(NAMESPACE)
                        .metricName(metric)
                        .dimensions(
                            dimension("Endpoint Type", endpoint.type()),
                            dimension("Service Name", endpoint.serviceName()),
                            dimension("Subnet Id", subnet),
                            dimension("VPC Endpoint Id", endpoint.id()),
                            dimension("VPC Id", endpoint.vpcId()))
                        .build())
                .period((int) WINDOW.toSeconds())
                .stat("Sum")
                .build())
        .build();
  }

  private static Dimension dimension(String name, String value) {
    return Dimension.builder().name(name).value(value).build();
  }
}
