package health.privatelink.bench;

import health.privatelink.testing.CloudWatchTestServer;
import health.privatelink.testing.DnsTestServer;
import health.privatelink.testing.DynamoDbTestServer;
import health.privatelink.testing.HttpTestServer;
import health.privatelink.testing.SnsEndpoint;
import health.privatelink.testing.TestAws;
import health.privatelink.testing.TestPki;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * Everything the function reaches, on loopback: a DNS server naming the target hosts (two addresses
 * each, 127.0.0.1 and 127.0.0.2, and a host of one), HTTPS servers on both addresses answering
 * after the warm-run latency and others answering after the scale latency, a CloudWatch, an SNS and
 * a DynamoDB with the alert state table, and the trust store that makes the function trust the
 * servers' certificates.
 */
final class Servers implements AutoCloseable {
  static final String API_HOST = "api.private.prefect.cloud";
  static final String UI_HOST = "app.private.prefect.cloud";

  /** The targets' two addresses (two zones' endpoint interfaces), one port on both. */
  static final List<String> ADDRESSES = List.of("127.0.0.1", "127.0.0.2");

  /** A host of one address, for the scale run of one-address targets. */
  static final String SINGLE_HOST = "one.private.prefect.cloud";

  /** Names for the reference client only, one per host and address, each resolving to one. */
  static final List<String> REFERENCE_HOSTS =
      List.of(
          "api-a.reference.test",
          "api-b.reference.test",
          "app-a.reference.test",
          "app-b.reference.test");

  /** The alert state table, as the default stack has one. */
  private static final String STATE_TABLE = "privatelink-health-state";

  private final TestPki pki = new TestPki();
  private final List<AutoCloseable> open = new ArrayList<>();
  private final DnsTestServer dns;

  /** One server per address, on one port. */
  private final List<HttpTestServer> targets;

  private final List<HttpTestServer> slowTargets;
  private final CloudWatchTestServer cloudWatch;
  private final SnsEndpoint sns;
  private final DynamoDbTestServer dynamoDb;
  private final Path trustStore;

  private Servers(Settings settings, Path work) throws Exception {
    try {
      dns = open(DnsTestServer.start());
      dns.on(API_HOST).a(ADDRESSES.toArray(String[]::new));
      dns.on(UI_HOST).a(ADDRESSES.toArray(String[]::new));
      dns.on(SINGLE_HOST).a(ADDRESSES.getFirst());
      List<String> names = new ArrayList<>(List.of(API_HOST, UI_HOST, SINGLE_HOST));
      names.addAll(REFERENCE_HOSTS);
      SSLContext tls = TestPki.serverContext(pki.server(90, names.toArray(String[]::new)));
      targets = onEveryAddress(tls, ok(settings.latencyMillis()));
      slowTargets = onEveryAddress(tls, ok(settings.scaleLatencyMillis()));
      cloudWatch = open(CloudWatchTestServer.start());
      sns = open(SnsEndpoint.start());
      dynamoDb = open(DynamoDbTestServer.start().createTable(STATE_TABLE, "target"));
      trustStore = work.resolve("truststore.p12");
      writeTrustStore(trustStore, pki.caCertificate());
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  static Servers start(Settings settings, Path work) throws Exception {
    return new Servers(settings, work);
  }

  /** One server per address of {@link #ADDRESSES}, all on one port free on every address. */
  private List<HttpTestServer> onEveryAddress(SSLContext tls, HttpTestServer.Behavior behavior)
      throws IOException {
    for (int attempt = 0; ; attempt++) {
      List<HttpTestServer> servers = new ArrayList<>();
      try {
        servers.add(
            HttpTestServer.httpsAt(tls, new InetSocketAddress(ADDRESSES.getFirst(), 0), behavior));
        int port = servers.getFirst().port();
        for (String address : ADDRESSES.subList(1, ADDRESSES.size())) {
          servers.add(HttpTestServer.httpsAt(tls, new InetSocketAddress(address, port), behavior));
        }
        servers.forEach(this::open);
        return servers;
      } catch (BindException taken) {
        for (HttpTestServer s : servers) {
          s.close();
        }
        if (attempt == 20) {
          throw taken;
        }
      }
    }
  }

  private static HttpTestServer.Behavior ok(long delayMillis) {
    return HttpTestServer.delayed(delayMillis, 200, "{\"status\":\"ok\"}");
  }

  /** The port of the server that answers after the warm-run latency. */
  int targetPort() {
    return targets.getFirst().port();
  }

  /**
   * The minimal job's targets, "host:port:address": the two hosts at their first address (the floor
   * as the timings issue defined it, two GETs), or at every address the function checks.
   */
  String minimalJobTargets(boolean everyAddress) {
    List<String> targets = new ArrayList<>();
    for (String host : List.of(API_HOST, UI_HOST)) {
      for (String address : everyAddress ? ADDRESSES : ADDRESSES.subList(0, 1)) {
        targets.add(host + ":" + targetPort() + ":" + address);
      }
    }
    return String.join(",", targets);
  }

  /** The two default targets, two addresses each, at the warm-run servers' port. */
  String defaultTargets() {
    return "[{\"name\": \"prefect-api\", \"url\": \"https://"
        + API_HOST
        + ":"
        + targetPort()
        + "/api/health\"}, {\"name\": \"prefect-ui\", \"url\": \"https://"
        + UI_HOST
        + ":"
        + targetPort()
        + "/private-ui/health\"}]";
  }

  /**
   * {@code count} targets at the slow servers' port: of two addresses each, alternating between the
   * two hosts, or of one address each.
   */
  String manyTargets(int count, boolean twoAddresses) {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < count; i++) {
      String host = !twoAddresses ? SINGLE_HOST : i % 2 == 0 ? API_HOST : UI_HOST;
      json.append(i == 0 ? "" : ", ")
          .append(String.format(Locale.ROOT, "{\"name\": \"t%03d\", ", i))
          .append("\"url\": \"https://")
          .append(host)
          .append(':')
          .append(slowTargets.getFirst().port())
          .append("/health\"}");
    }
    return json.append(']').toString();
  }

  /** The function's configuration for these targets, every AWS endpoint pointed here. */
  Map<String, String> functionEnvironment(String targetsJson) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TARGETS", targetsJson);
    env.put("EXPECTED_CIDRS", "127.0.0.0/8");
    env.put("DNS_SERVERS", "127.0.0.1:" + dns.address().getPort());
    env.put("METRICS_MODE", "api");
    env.put("ALERT_TOPIC_ARN", TestAws.TOPIC_ARN);
    env.put("AWS_ENDPOINT_URL_CLOUDWATCH", cloudWatch.uri().toString());
    env.put("AWS_ENDPOINT_URL_SNS", sns.uri().toString());
    env.put("STATE_TABLE", STATE_TABLE);
    env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.uri().toString());
    return env;
  }

  /** The trust store the function is started with. */
  Path trustStore() {
    return trustStore;
  }

  /** Writes the servers' CA certificate as PEM, for a client other than the function. */
  Path writeCaPem(Path path) throws IOException, GeneralSecurityException {
    Files.writeString(
        path,
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pki.caCertificate().getEncoded())
            + "\n-----END CERTIFICATE-----\n");
    return path;
  }

  /** PutMetricData calls received so far. */
  int putMetricDataCalls() {
    return cloudWatch.putMetricDataCalls().size();
  }

  /** The distinct metrics (name and dimensions) of the last PutMetricData; none without one. */
  Set<String> metricsOfLastPut() {
    var puts = cloudWatch.putMetricDataCalls();
    Set<String> metrics = new HashSet<>();
    if (!puts.isEmpty()) {
      for (var datum : puts.getLast().metricData()) {
        metrics.add(datum.name() + datum.dimensions());
      }
    }
    return metrics;
  }

  /** DynamoDB BatchGetItem calls (the alert state reads) received so far. */
  int stateReads() {
    return dynamoDb.requests("BatchGetItem").size();
  }

  /**
   * The function's trust store: the JDK's own {@code cacerts} with the benchmark's CA added, stored
   * the way the JDK stores {@code cacerts} (PKCS12 without password or integrity MAC). Loading it
   * then costs what loading the default trust store costs in Lambda: every root parsed, no key
   * derivation for a MAC.
   */
  private static void writeTrustStore(Path path, X509Certificate ca)
      throws IOException, GeneralSecurityException {
    Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
    KeyStore jdk = KeyStore.getInstance(cacerts.toFile(), (char[]) null);
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (String alias : Collections.list(jdk.aliases())) {
      store.setCertificateEntry(alias, jdk.getCertificate(alias));
    }
    store.setCertificateEntry("privatelink-health-benchmark-ca", ca);
    System.setProperty("keystore.pkcs12.certProtectionAlgorithm", "NONE");
    System.setProperty("keystore.pkcs12.macAlgorithm", "NONE");
    try (OutputStream out = Files.newOutputStream(path)) {
      store.store(out, new char[0]);
    }
  }

  private <T extends AutoCloseable> T open(T resource) {
    open.add(resource);
    return resource;
  }

  @Override
  public void close() {
    for (AutoCloseable c : open.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        // Shutting down anyway.
      }
    }
  }
}
