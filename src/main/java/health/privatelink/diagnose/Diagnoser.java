package health.privatelink.diagnose;

import health.privatelink.Background;
import health.privatelink.Deadline;
import health.privatelink.Log;
import health.privatelink.Reason;
import health.privatelink.aws.CallLimits;
import health.privatelink.aws.Lazy;
import health.privatelink.check.TargetResult;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Explains failed checks: looks up the VPC endpoint behind each failed target, all of them at once,
 * and attaches one {@link Rules} sentence to each. Healthy targets cost nothing; nothing is kept
 * from one run to the next; a lookup that fails or overruns becomes {@code could not diagnose:
 * ...}, never an exception, so the check result always comes back; a bug reads {@code could not
 * diagnose: internal error} and is logged at ERROR with its stack trace.
 */
public final class Diagnoser {
  /** What the report says of a target whose diagnosis hit a bug; the log line has the details. */
  static final String INTERNAL_ERROR = "could not diagnose: internal error";

  /** What the report says of a failed target when the run left no time for one EC2 call. */
  static final String NO_TIME = "could not diagnose: no time left in the run";

  private final Lazy<Ec2> ec2;
  private final Lazy<EndpointMetrics> metrics;
  private final Scope scope;
  private final LocalAddress localAddress;
  private final Log log;

  /**
   * @param ec2 makes the EC2 lookups on first use: a run where nothing fails builds nothing
   * @param metrics makes the reader of the endpoints' own metrics on first use
   * @param scope where to look; with nothing configured there is no diagnosis and no EC2 call
   * @param localAddress the function's own address toward an endpoint
   * @param log where a bug in the diagnosis is reported
   */
  public Diagnoser(
      Supplier<Ec2> ec2,
      Supplier<EndpointMetrics> metrics,
      Scope scope,
      LocalAddress localAddress,
      Log log) {
    this.ec2 = new Lazy<>(ec2);
    this.metrics = new Lazy<>(metrics);
    this.scope = scope;
    this.localAddress = localAddress;
    this.log = log;
  }

  /** A diagnoser that leaves every result as it is: for runs without VPC_ID or VPC_ENDPOINT_IDS. */
  public static Diagnoser off() {
    return new Diagnoser(
        () -> {
          throw new IllegalStateException("no diagnosis configured");
        },
        () -> {
          throw new IllegalStateException("no diagnosis configured");
        },
        new Scope(List.of(), Optional.empty(), List.of()),
        peer -> Optional.empty(),
        new Log(new PrintStream(OutputStream.nullOutputStream())));
  }

  /** Whether failed targets get a diagnosis. */
  public boolean enabled() {
    return scope.configured();
  }

  /**
   * The results with a diagnosis on every failed target, in the same order; returns by {@code end}.
   * Healthy results, and all results when nothing is configured, come back untouched.
   *
   * @param lookups until when the EC2 calls may run
   * @param end until when their answers are waited for, no earlier than {@code lookups}: the time
   *     between is for a lookup to notice its deadline and report its own timeout, which names the
   *     call that hung
   */
  public List<TargetResult> diagnose(List<TargetResult> results, Deadline lookups, Deadline end) {
    if (!enabled() || results.stream().allMatch(TargetResult::healthy)) {
      return results;
    }
    if (CallLimits.callTime(lookups).isEmpty()) {
      // Not one EC2 call could start: building the EC2 path (slow on a cold start) and starting
      // lookups would only spend the time left to the run's publishing.
      return results.stream().map(r -> r.healthy() ? r : r.withDiagnosis(NO_TIME)).toList();
    }
    long budget = lookups.remaining().toMillis();
    Map<Integer, CompletableFuture<Diagnosis>> running = new LinkedHashMap<>();
    for (int i = 0; i < results.size(); i++) {
      TargetResult r = results.get(i);
      if (r.healthy()) {
        continue;
      }
      running.put(
          i, Background.virtual("diagnose-" + r.target().name(), () -> diagnoseOne(r, lookups)));
    }
    List<TargetResult> diagnosed = new ArrayList<>(results);
    for (Map.Entry<Integer, CompletableFuture<Diagnosis>> entry : running.entrySet()) {
      Diagnosis d;
      try {
        d = entry.getValue().get(end.remaining().toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        d = new Diagnosis("could not diagnose: no answer from EC2 within " + budget + " ms");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        d = new Diagnosis("could not diagnose: interrupted");
      } catch (ExecutionException e) {
        d = new Diagnosis(internalError(results.get(entry.getKey()), e.getCause()));
      }
      diagnosed.set(
          entry.getKey(), results.get(entry.getKey()).withDiagnosis(d.sentence(), d.zones()));
    }
    return diagnosed;
  }

  /**
   * A bug in the diagnosis (anything it throws that is not an {@link Ec2Exception}) is logged with
   * its stack trace and leaves the check result as it is, so the run and its publishing go on.
   */
  private String internalError(TargetResult result, Throwable bug) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("target", result.target().name());
    fields.putAll(Log.failure(bug));
    log.error("diagnosis failed", fields);
    return INTERNAL_ERROR;
  }

  /** A sentence, and the Availability Zone ID of each address placed in an interface. */
  private record Diagnosis(String sentence, Map<InetAddress, String> zones) {
    Diagnosis(String sentence) {
      this(sentence, Map.of());
    }
  }

  private Diagnosis diagnoseOne(TargetResult result, Deadline deadline) {
    Ec2 client;
    try {
      client = ec2.get();
    } catch (RuntimeException e) {
      // Building the client: no region, an unreadable endpoint override.
      return new Diagnosis("could not diagnose: cannot set up the EC2 calls: " + describe(e));
    }
    try {
      Rules.Facts facts = lookUp(client, result, deadline);
      return new Diagnosis(Rules.diagnose(facts), facts.network().zones());
    } catch (Ec2Exception e) {
      return new Diagnosis("could not diagnose: " + e.getMessage());
    }
  }

  /** Asks EC2 what {@link Rules} needs to know about the endpoint behind one failed target. */
  private Rules.Facts lookUp(Ec2 client, TargetResult result, Deadline deadline)
      throws Ec2Exception {
    String host = result.target().host();
    int port = result.target().port();
    Reason reason = result.failure().orElseThrow().reason();
    List<VpcEndpoint> endpoints =
        scope.named()
            ? client.vpcEndpointsById(scope.vpcEndpointIds(), deadline)
            : client.vpcEndpointsInVpc(scope.vpcId().orElseThrow(), deadline);

    Map<String, List<String>> serviceNames = Map.of();
    Set<String> services = new LinkedHashSet<>();
    for (VpcEndpoint e : endpoints) {
      if (e.type().equalsIgnoreCase("Interface") && !e.serviceName().isEmpty()) {
        services.add(e.serviceName());
      }
    }
    if (Rules.needsServiceNames(host, endpoints) && !services.isEmpty()) {
      serviceNames = client.servicePrivateDnsNames(services, deadline);
    }

    List<InetAddress> endpointAddresses = Rules.endpointAddresses(reason, result.addresses());
    Map<String, SecurityGroup> groups = new LinkedHashMap<>();
    List<String> functionGroups = scope.securityGroupIds();
    List<InetAddress> functionAddresses = List.of();
    Optional<VpcEndpoint> serving =
        Rules.servingEndpoint(host, endpoints, serviceNames, scope.named());
    Rules.Network network =
        serving.isPresent() ? network(client, result, serving.get(), deadline) : Rules.Network.NONE;
    boolean placing = !network.results().isEmpty() && Rules.someAddressesFail(network.results());
    if (placing) {
      functionAddresses = functionAddresses(result.addresses());
    }
    if (serving.isPresent() && Rules.checksSecurityGroups(reason, serving.get())) {
      functionAddresses = functionAddresses(endpointAddresses);
      if (functionGroups.isEmpty() && !functionAddresses.isEmpty()) {
        functionGroups = client.securityGroupsOfAddress(functionAddresses.getFirst(), deadline);
      }
      Set<String> ids = new LinkedHashSet<>(serving.get().groupIds());
      ids.addAll(functionGroups);
      for (SecurityGroup g : client.securityGroups(ids, deadline)) {
        groups.put(g.id(), g);
      }
    }
    return new Rules.Facts(
        host,
        port,
        reason,
        endpointAddresses,
        scope,
        endpoints,
        serviceNames,
        groups,
        functionGroups,
        functionAddresses,
        network);
  }

  private List<InetAddress> functionAddresses(List<InetAddress> peers) {
    return peers.stream().flatMap(a -> localAddress.toward(a).stream()).distinct().toList();
  }

  /**
   * The lookups of the addresses and the VPC: the interfaces holding the resolved addresses, the
   * ACLs of the failing ones' subnets and the endpoint's metrics there, when some addresses fail
   * and others pass; the VPC's DNS attributes after an NXDOMAIN.
   */
  private Rules.Network network(
      Ec2 client, TargetResult result, VpcEndpoint serving, Deadline deadline) throws Ec2Exception {
    Optional<List<NetworkInterface>> interfaces = Optional.empty();
    List<NetworkAcl> acls = List.of();
    Map<String, EndpointMetrics.Counts> counts = Map.of();
    if (Rules.placesAddresses(serving, result.addresses(), result.endpoints())) {
      List<NetworkInterface> found = client.networkInterfaces(result.addresses(), deadline);
      interfaces = Optional.of(found);
      if (Rules.someAddressesFail(result.endpoints())) {
        Set<String> subnets = new LinkedHashSet<>();
        for (var r : result.endpoints()) {
          if (!r.healthy()) {
            found.stream()
                .filter(eni ->
                    eni.addresses().stream().anyMatch(a -> a.equals(r.address().getHostAddress())))
                .findFirst()
                .ifPresent(eni -> subnets.add(eni.subnetId()));
          }
        }
        if (!subnets.isEmpty()) {
          acls = client.networkAcls(subnets, deadline);
          counts = endpointMetrics(serving, subnets, deadline);
        }
      }
    }
    Optional<Rules.VpcDns> vpcDns = Optional.empty();
    if (Rules.checksVpcDns(
        result.failure().orElseThrow().reason(), result.target().host(), serving)) {
      String vpc = serving.vpcId();
      vpcDns =
          Optional.of(
              new Rules.VpcDns(
                  vpc,
                  client.vpcAttribute(vpc, "enableDnsSupport", deadline),
                  client.vpcAttribute(vpc, "enableDnsHostnames", deadline)));
    }
    return new Rules.Network(
        result.addresses(), result.endpoints(), interfaces, acls, counts, vpcDns);
  }

  /** The endpoint's own counts; a reader that cannot even be built is a read that failed. */
  private Map<String, EndpointMetrics.Counts> endpointMetrics(
      VpcEndpoint serving, Set<String> subnets, Deadline deadline) {
    EndpointMetrics reader;
    try {
      reader = metrics.get();
    } catch (RuntimeException e) {
      return Map.of(); // no region, an unusable override: the sentence goes without the numbers
    }
    return reader.read(serving, subnets, deadline);
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
  }
}
