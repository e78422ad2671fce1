package health.privatelink.prime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.privatelink.Deadline;
import health.privatelink.config.Config;
import health.privatelink.config.ConfigParser;
import health.privatelink.dns.DnsResolver;
import health.privatelink.dns.Resolution;
import health.privatelink.run.Pipeline;
import health.privatelink.run.Wiring;
import health.privatelink.testing.DnsTestServer;
import health.privatelink.testing.TestAws;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ResolverConfig;

/** The SnapStart hooks, called as the runtime calls them around a snapshot. */
class SnapshotHooksTest {
  private static final String HOST = "api.private.prefect.cloud";
  private static final String TARGETS =
      "[{\"name\": \"prefect-api\", \"url\": \"https://" + HOST + "/\"}]";
  private final DnsTestServer dns = DnsTestServer.started();

  @AfterEach
  void stop() {
    dns.close();
  }

  private Pipeline pipeline() {
    dns.on(HOST).nxdomain();
    Config config =
        ConfigParser.parse(
            Map.of(
                "TARGETS",
                TARGETS,
                "DNS_SERVERS",
                "127.0.0.1:" + dns.address().getPort(),
                "METRICS_MODE",
                "off"));
    return Wiring.pipeline(
        config,
        TestAws.settings(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9")),
        (SSLSocketFactory) SSLSocketFactory.getDefault(),
        new PrintStream(OutputStream.nullOutputStream()));
  }

  private static boolean coldStart(Pipeline pipeline, Config config) {
    return pipeline.run(config.targets(), Deadline.after(Duration.ofSeconds(5)), false).coldStart();
  }

  @Test
  void theFirstRunAfterARestoreIsAColdStartAgain() {
    Pipeline pipeline = pipeline();
    Config config = ConfigParser.parse(Map.of("TARGETS", TARGETS));
    SnapshotHooks hooks = new SnapshotHooks(pipeline);
    assertTrue(coldStart(pipeline, config));
    assertFalse(coldStart(pipeline, config));

    hooks.beforeCheckpoint(null);
    assertFalse(coldStart(pipeline, config), "priming before the snapshot is not a restore");
    hooks.afterRestore(null);

    assertTrue(coldStart(pipeline, config));
    assertFalse(coldStart(pipeline, config));
  }

  @Test
  void thePrimingBeforeTheSnapshotSendsNothing() {
    Pipeline pipeline = pipeline();
    new SnapshotHooks(pipeline).beforeCheckpoint(null);
    assertEquals(List.of(), dns.queries());
  }

  @Test
  void aRestoreRereadsTheSystemsResolvers() {
    // The system's resolvers, as when DNS_SERVERS is unset; dnsjava's property provider stands in
    // for a restored copy's /etc/resolv.conf.
    DnsResolver system = new DnsResolver(List.of());
    String before = System.getProperty("dns.server");
    try {
      System.setProperty("dns.server", "127.0.0.1:" + dns.address().getPort());
      new SnapshotHooks(pipeline()).afterRestore(null);

      Resolution answer = system.resolve(HOST, Deadline.after(Duration.ofSeconds(3)));

      // The test server answers NXDOMAIN (see pipeline()): the query went to it, named by port.
      assertEquals(1, dns.queries(HOST).size());
      assertTrue(
          answer.toString().contains("from 127.0.0.1:" + dns.address().getPort()),
          answer.toString());
    } finally {
      if (before == null) {
        System.clearProperty("dns.server");
      } else {
        System.setProperty("dns.server", before);
      }
      ResolverConfig.refresh();
    }
  }
}
