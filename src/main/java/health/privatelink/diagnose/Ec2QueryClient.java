package health.privatelink.diagnose;

import health.privatelink.Background;
import health.privatelink.Deadline;
import health.privatelink.aws.AwsClients;
import health.privatelink.aws.CallLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.xml.stream.XMLStreamException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The EC2 lookups over EC2's query protocol: a form POST signed with the SDK's own SigV4 signer,
 * sent through url-connection-client, the XML answer read with the JDK. The SDK's ec2 module would
 * do the same for 26 MB of jar; these read-only calls need none of it.
 */
public final class Ec2QueryClient implements Ec2 {
  /** Every EC2 action this client calls: the function's role allows exactly these Describe*. */
  public static final List<String> ACTIONS =
      List.of(
          "DescribeVpcEndpoints",
          "DescribeVpcEndpointServices",
          "DescribeSecurityGroups",
          "DescribeNetworkInterfaces",
          "DescribeNetworkAcls",
          "DescribeVpcAttribute");

  static final String API_VERSION = "2016-11-15";

  /** More than any real answer to these filtered calls; a bigger one is not read. */
  private static final int MAX_ANSWER_BYTES = 8 << 20;

  /** Pages followed per call: a VPC with thousands of endpoints is not diagnosed page by page. */
  private static final int MAX_PAGES = 10;

  /** The longest error message quoted from EC2: authorization failures can carry kilobytes. */
  private static final int MAX_MESSAGE_CHARS = 200;

  private final URI endpoint;
  private final String region;
  private final AwsCredentialsProvider credentials;
  private final SdkHttpClient http;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  Ec2QueryClient(
      URI endpoint, String region, AwsCredentialsProvider credentials, SdkHttpClient http) {
    this.endpoint = endpoint;
    this.region = region;
    this.credentials = credentials;
    this.http = http;
  }

  /** A client on the request path the factory built ({@link AwsClients#ec2()}). */
  public Ec2QueryClient(AwsClients.Ec2Path path) {
    this(path.uri(), path.region(), path.credentials(), path.http());
  }

  @Override
  public List<VpcEndpoint> vpcEndpointsById(Collection<String> ids, Deadline deadline)
      throws Ec2Exception {
    // A filter, not VpcEndpointId.N: one missing ID would fail the whole call.
    return vpcEndpoints(filter("vpc-endpoint-id", ids), deadline);
  }

  @Override
  public List<VpcEndpoint> vpcEndpointsInVpc(String vpcId, Deadline deadline) throws Ec2Exception {
    return vpcEndpoints(filter("vpc-id", List.of(vpcId)), deadline);
  }

  private List<VpcEndpoint> vpcEndpoints(Map<String, String> filter, Deadline deadline)
      throws Ec2Exception {
    return pages("DescribeVpcEndpoints", filter, "vpcEndpointSet", deadline).stream()
        .map(Ec2QueryClient::vpcEndpoint)
        .toList();
  }

  @Override
  public Map<String, List<String>> servicePrivateDnsNames(
      Collection<String> serviceNames, Deadline deadline) throws Ec2Exception {
    Map<String, String> params = new LinkedHashMap<>();
    int n = 1;
    for (String name : new LinkedHashSet<>(serviceNames)) {
      params.put("ServiceName." + n++, name);
    }
    Map<String, List<String>> names = new LinkedHashMap<>();
    for (Xml.Node service :
        pages("DescribeVpcEndpointServices", params, "serviceDetailSet", deadline)) {
      Set<String> dns = new LinkedHashSet<>();
      service.text("privateDnsName").ifPresent(dns::add);
      for (Xml.Node item : service.items("privateDnsNameSet")) {
        item.text("privateDnsName").ifPresent(dns::add);
      }
      names.put(service.text("serviceName", ""), List.copyOf(dns));
    }
    return names;
  }

  @Override
  public List<SecurityGroup> securityGroups(Collection<String> ids, Deadline deadline)
      throws Ec2Exception {
    // A filter, not GroupId.N: one missing group would fail the whole call.
    return pages("DescribeSecurityGroups", filter("group-id", ids), "securityGroupInfo", deadline)
        .stream()
        .map(Ec2QueryClient::securityGroup)
        .toList();
  }

  @Override
  public List<String> securityGroupsOfAddress(InetAddress address, Deadline deadline)
      throws Ec2Exception {
    Set<String> groups = new LinkedHashSet<>();
    for (Xml.Node eni :
        pages(
            "DescribeNetworkInterfaces",
            filter("addresses.private-ip-address", List.of(address.getHostAddress())),
            "networkInterfaceSet",
            deadline)) {
      for (Xml.Node group : eni.items("groupSet")) {
        group.text("groupId").ifPresent(groups::add);
      }
    }
    return List.copyOf(groups);
  }

  @Override
  public List<NetworkInterface> networkInterfaces(
      Collection<InetAddress> addresses, Deadline deadline) throws Ec2Exception {
    List<String> literals = addresses.stream().map(InetAddress::getHostAddress).toList();
    return pages(
            "DescribeNetworkInterfaces",
            filter("addresses.private-ip-address", literals),
            "networkInterfaceSet",
            deadline)
        .stream()
        .map(Ec2QueryClient::networkInterface)
        .toList();
  }

  @Override
  public List<NetworkAcl> networkAcls(Collection<String> subnetIds, Deadline deadline)
      throws Ec2Exception {
    return pages(
            "DescribeNetworkAcls",
            filter("association.subnet-id", subnetIds),
            "networkAclSet",
            deadline)
        .stream()
        .map(Ec2QueryClient::networkAcl)
        .toList();
  }

  @Override
  public boolean vpcAttribute(String vpcId, String attribute, Deadline deadline)
      throws Ec2Exception {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("VpcId", vpcId);
    params.put("Attribute", attribute);
    Xml.Node answer = call("DescribeVpcAttribute", params, deadline);
    return answer
        .child(attribute)
        .flatMap(a -> a.text("value"))
        .map(v -> v.equals("true"))
        .orElseThrow(
            () -> new Ec2Exception("EC2's answer to DescribeVpcAttribute has no " + attribute));
  }

  static NetworkInterface networkInterface(Xml.Node item) {
    Set<String> addresses = new LinkedHashSet<>();
    item.text("privateIpAddress").ifPresent(addresses::add);
    addresses.addAll(texts(item.items("privateIpAddressesSet"), "privateIpAddress"));
    addresses.addAll(texts(item.items("ipv6AddressesSet"), "ipv6Address"));
    return new NetworkInterface(
        item.text("networkInterfaceId", ""),
        item.text("subnetId", ""),
        item.text("availabilityZoneId", ""),
        List.copyOf(addresses));
  }

  static NetworkAcl networkAcl(Xml.Node item) {
    List<NetworkAcl.Entry> entries = new ArrayList<>();
    for (Xml.Node e : item.items("entrySet")) {
      Optional<Xml.Node> ports = e.child("portRange");
      entries.add(
          new NetworkAcl.Entry(
              port(e.text("ruleNumber")),
              e.text("egress", "false").equals("true"),
              e.text("protocol", "-1"),
              e.text("ruleAction", "deny").equals("allow"),
              e.text("cidrBlock").or(() -> e.text("ipv6CidrBlock")).orElse(""),
              ports.map(p -> port(p.text("from"))).orElse(-1),
              ports.map(p -> port(p.text("to"))).orElse(-1)));
    }
    return new NetworkAcl(
        item.text("networkAclId", ""), texts(item.items("associationSet"), "subnetId"), entries);
  }

  private static Map<String, String> filter(String name, Collection<String> values) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("Filter.1.Name", name);
    int n = 1;
    for (String value : new LinkedHashSet<>(values)) {
      params.put("Filter.1.Value." + n++, value);
    }
    return params;
  }

  /** Every {@code item} of the list {@code set}, following {@code nextToken}. */
  private List<Xml.Node> pages(
      String action, Map<String, String> params, String set, Deadline deadline)
      throws Ec2Exception {
    List<Xml.Node> items = new ArrayList<>();
    Map<String, String> page = new LinkedHashMap<>(params);
    for (int i = 0; i < MAX_PAGES; i++) {
      Xml.Node answer = call(action, page, deadline);
      items.addAll(answer.items(set));
      Optional<String> next = answer.text("nextToken");
      if (next.isEmpty()) {
        return items;
      }
      page.put("NextToken", next.get());
    }
    throw new Ec2Exception(action + " returned more than " + MAX_PAGES + " pages");
  }

  /**
   * One signed call under {@link CallLimits}, answered by {@code deadline} or abandoned: an attempt
   * without an answer in its time is aborted, so no thread stays blocked on a hung endpoint, and
   * tried again while the call's time lasts, as is one that lost its connection. An answer, even an
   * error, is final: these calls are read-only and EC2's errors here do not pass with a retry.
   */
  Xml.Node call(String action, Map<String, String> params, Deadline deadline) throws Ec2Exception {
    Optional<Duration> callTime = CallLimits.callTime(deadline);
    if (callTime.isEmpty()) {
      throw new Ec2Exception("no time left to ask EC2 (" + action + ")");
    }
    long budget = callTime.get().toMillis();
    Ec2Exception failed = null;
    for (int attempt = 1; attempt <= CallLimits.MAX_ATTEMPTS; attempt++) {
      Optional<Duration> left = CallLimits.callTime(deadline);
      if (left.isEmpty()) {
        break;
      }
      Deadline attemptBy = Deadline.after(CallLimits.attemptTime(left.get()));
      try {
        return attempt(action, params, attemptBy);
      } catch (Transient e) {
        failed =
            e.getCause() instanceof TimeoutException
                ? new Ec2Exception(
                    "no answer from EC2 at "
                        + endpoint
                        + " to "
                        + action
                        + " within "
                        + budget
                        + " ms")
                : failure(action, e.getCause());
      }
    }
    throw failed;
  }

  /** An attempt that may pass when tried again: no answer in time, or a lost connection. */
  private static final class Transient extends Exception {
    private static final long serialVersionUID = 1L;

    Transient(Throwable cause) {
      super(cause);
    }
  }

  private Xml.Node attempt(String action, Map<String, String> params, Deadline deadline)
      throws Ec2Exception, Transient {
    AtomicReference<ExecutableHttpRequest> inFlight = new AtomicReference<>();
    CompletableFuture<Xml.Node> answer =
        Background.virtual("ec2-" + action, () -> send(action, params, inFlight));
    try {
      return answer.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      abort(inFlight);
      throw new Transient(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort(inFlight);
      throw new Ec2Exception("interrupted while asking EC2 (" + action + ")");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException || e.getCause() instanceof UncheckedIOException) {
        throw new Transient(e.getCause());
      }
      throw failure(action, e.getCause());
    }
  }

  private static void abort(AtomicReference<ExecutableHttpRequest> inFlight) {
    ExecutableHttpRequest request = inFlight.get();
    if (request != null) {
      request.abort();
    }
  }

  private Xml.Node send(
      String action, Map<String, String> params, AtomicReference<ExecutableHttpRequest> inFlight)
      throws IOException, Ec2Exception, XMLStreamException {
    StringJoiner form = new StringJoiner("&");
    form.add("Action=" + encode(action)).add("Version=" + API_VERSION);
    params.forEach((k, v) -> form.add(encode(k) + "=" + encode(v)));
    byte[] body = form.toString().getBytes(StandardCharsets.UTF_8);

    SdkHttpFullRequest request =
        SdkHttpFullRequest.builder()
            .uri(endpoint)
            .encodedPath(
                endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty()
                    ? "/"
                    : endpoint.getRawPath())
            .method(SdkHttpMethod.POST)
            .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
            .putHeader("Content-Length", Integer.toString(body.length))
            .build();
    AwsCredentialsIdentity identity = credentials.resolveCredentials();
    SignedRequest signed =
        signer.sign(
            SignRequest.builder(identity)
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "ec2")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .build());
    ExecutableHttpRequest call =
        http.prepareRequest(
            HttpExecuteRequest.builder()
                .request(signed.request())
                .contentStreamProvider(signed.payload().orElse(null))
                .build());
    inFlight.set(call);
    HttpExecuteResponse response = call.call();
    int status = response.httpResponse().statusCode();
    byte[] answer;
    Optional<? extends InputStream> stream = response.responseBody();
    if (stream.isEmpty()) {
      answer = new byte[0];
    } else {
      try (InputStream in = stream.get()) {
        answer = in.readNBytes(MAX_ANSWER_BYTES);
      }
    }
    if (status / 100 == 2) {
      return Xml.parse(answer);
    }
    throw new Ec2Exception(error(action, status, answer));
  }

  /** EC2's error answer, {@code <Response><Errors><Error><Code>...}, in plain words. */
  private static String error(String action, int status, byte[] answer) {
    String code = "";
    String message = "";
    try {
      Xml.Node root = Xml.parse(answer);
      Optional<Xml.Node> error =
          root.child("Errors")
              .flatMap(errors -> errors.child("Error"))
              .or(() -> root.child("Error"));
      if (error.isPresent()) {
        code = error.get().text("Code", "");
        message = error.get().text("Message", "");
      }
    } catch (XMLStreamException | RuntimeException unreadable) {
      // the status alone then
    }
    if (message.length() > MAX_MESSAGE_CHARS) {
      message = message.substring(0, MAX_MESSAGE_CHARS) + "...";
    }
    if (code.equals("UnauthorizedOperation")
        || code.equals("AuthFailure")
        || code.startsWith("AccessDenied")
        || (code.isEmpty() && status == 403)) {
      return "the function's role may not call ec2:"
          + action
          + " (HTTP "
          + status
          + (code.isEmpty() ? "" : " " + code)
          + "): grant it in the role's policy";
    }
    return "EC2 answered "
        + action
        + " with HTTP "
        + status
        + (code.isEmpty() ? "" : " " + code)
        + (message.isEmpty() ? "" : ": " + message);
  }

  private Ec2Exception failure(String action, Throwable cause) {
    return switch (cause) {
      case Ec2Exception e -> e;
      case XMLStreamException e ->
          new Ec2Exception(
              "EC2's answer to " + action + " is not readable XML: " + e.getMessage(), e);
      case IOException e ->
          new Ec2Exception("cannot reach EC2 at " + endpoint + ": " + describe(e), e);
      case UncheckedIOException e ->
          new Ec2Exception("cannot reach EC2 at " + endpoint + ": " + describe(e.getCause()), e);
      case SdkClientException e -> new Ec2Exception("no AWS credentials: " + e.getMessage(), e);
      default -> new Ec2Exception("asking EC2 (" + action + ") failed: " + describe(cause), cause);
    };
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    String type = t.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static VpcEndpoint vpcEndpoint(Xml.Node item) {
    Optional<String> lastError =
        item.child("lastError")
            .map(e -> {
              String code = e.text("code", "");
              String message = e.text("message", "");
              return code.isEmpty() ? message : message.isEmpty() ? code : code + ": " + message;
            })
            .filter(s -> !s.isBlank());
    return new VpcEndpoint(
        item.text("vpcEndpointId", ""),
        item.text("vpcEndpointType", "Interface"),
        item.text("vpcId", ""),
        item.text("serviceName", ""),
        item.text("state", ""),
        item.text("privateDnsEnabled", "false").equals("true"),
        texts(item.items("groupSet"), "groupId"),
        texts(item.items("dnsEntrySet"), "dnsName"),
        lastError,
        item.items("networkInterfaceIdSet").stream().map(Xml.Node::text).toList());
  }

  static SecurityGroup securityGroup(Xml.Node item) {
    return new SecurityGroup(
        item.text("groupId", ""),
        item.items("ipPermissions").stream().map(Ec2QueryClient::rule).toList(),
        item.items("ipPermissionsEgress").stream().map(Ec2QueryClient::rule).toList());
  }

  private static SecurityGroup.Rule rule(Xml.Node item) {
    List<String> cidrs = new ArrayList<>(texts(item.items("ipRanges"), "cidrIp"));
    cidrs.addAll(texts(item.items("ipv6Ranges"), "cidrIpv6"));
    return new SecurityGroup.Rule(
        item.text("ipProtocol", "-1"),
        port(item.text("fromPort")),
        port(item.text("toPort")),
        texts(item.items("groups"), "groupId"),
        cidrs,
        texts(item.items("prefixListIds"), "prefixListId"));
  }

  private static int port(Optional<String> text) {
    try {
      return text.map(Integer::parseInt).orElse(-1);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static List<String> texts(List<Xml.Node> items, String field) {
    return items.stream().flatMap(i -> i.text(field).stream()).toList();
  }
}
