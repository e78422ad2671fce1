package health.privatelink.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.privatelink.run.Wiring;
import health.privatelink.testing.BadSettings;
import health.privatelink.testing.BrokenTls;
import health.privatelink.testing.DnsTestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The command line in process: table, JSON, exit status, usage and configuration errors. */
class MainTest {
  private final DnsTestServer dns;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  MainTest() throws Exception {
    dns = DnsTestServer.start();
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  private int run(Map<String, String> env, String... args) {
    return Main.run(
        args,
        env,
        Wiring.jvmTls(),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private Map<String, String> loopbackDns() {
    return Map.of("DNS_SERVERS", "127.0.0.1:" + dns.address().getPort());
  }

  @Test
  void everyBadVariableIsOneLineNamingItAndExitTwo() {
    for (Map.Entry<String, String> bad : BadSettings.all().entrySet()) {
      out.reset();
      err.reset();
      int status = run(Map.of(bad.getKey(), bad.getValue()));
      String errors = err.toString(StandardCharsets.UTF_8);
      String setting = bad.getKey() + "=" + bad.getValue();
      assertEquals(2, status, setting + ": " + errors);
      assertEquals("", out.toString(StandardCharsets.UTF_8), setting);
      assertEquals(1, errors.lines().count(), setting + ": one line, no stack trace: " + errors);
      assertTrue(
          errors.startsWith("bad configuration: " + bad.getKey()),
          setting + ": names the variable: " + errors);
    }
  }

  @Test
  void aDnsServerGivenByNameIsLookedUpByTheWiring() {
    dns.on("api.private.prefect.cloud").nxdomain();
    dns.on("app.private.prefect.cloud").nxdomain();
    // localhost is answered from the hosts file: no query leaves the machine.
    int status = run(Map.of("DNS_SERVERS", "localhost:" + dns.address().getPort()));
    String table = out.toString(StandardCharsets.UTF_8);
    assertEquals(1, status, table + err.toString(StandardCharsets.UTF_8));
    assertTrue(table.contains("prefect-api  FAIL    NXDOMAIN"), table);
  }

  @Test
  void defaultTargetsWithoutPrivateDnsFailWithNxdomainAndExitOne() {
    dns.on("api.private.prefect.cloud").nxdomain();
    dns.on("app.private.prefect.cloud").nxdomain();

    int status = run(loopbackDns());

    String table = out.toString(StandardCharsets.UTF_8);
    assertEquals(1, status, table);
    assertTrue(table.startsWith("TARGET       RESULT  REASON"), table);
    assertTrue(table.contains("prefect-api  FAIL    NXDOMAIN"), table);
    assertTrue(table.contains("prefect-ui   FAIL    NXDOMAIN"), table);
    assertTrue(table.contains("  hint:   Private DNS is not enabled on the VPC endpoint"), table);
    assertTrue(table.contains("0 of 2 targets healthy"), table);
    assertEquals("", err.toString(StandardCharsets.UTF_8), "nothing on standard error");
  }

  @Test
  void jsonPrintsTheReport() throws Exception {
    dns.on("api.private.prefect.cloud").nxdomain();
    dns.on("app.private.prefect.cloud").rcode(2);

    int status = run(loopbackDns(), "--json");

    assertEquals(1, status);
    JsonNode report = new ObjectMapper().readTree(out.toByteArray());
    assertEquals(false, report.get("healthy").asBoolean());
    assertEquals("NXDOMAIN", report.get("results").get(0).get("reason").asText());
    assertEquals("DNS_ERROR", report.get("results").get(1).get("reason").asText());
    assertTrue(report.get("published").isNull());
    assertTrue(report.get("results").get(0).get("timings").has("ttfbMs"));
  }

  @Test
  void healthyTargetsExitZero() {
    // An IP-address URL needs no DNS: only the exit status and the table matter here.
    try (var server =
        health.privatelink.testing.HttpTestServer.http(
            health.privatelink.testing.HttpTestServer.respond(200, "ok"))) {
      int status =
          run(
              Map.of(
                  "TARGETS",
                  "[{\"name\": \"local\", \"url\": \"http://127.0.0.1:" + server.port() + "/\"}]",
                  "EXPECTED_CIDRS",
                  "127.0.0.0/8"));
      assertEquals(0, status, out.toString(StandardCharsets.UTF_8));
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("local   OK"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void badConfigurationExitsTwoNamingIt() {
    int status = run(Map.of("DEFAULT_TIMEOUT_MS", "0"));
    assertEquals(2, status);
    assertEquals(
        "bad configuration: DEFAULT_TIMEOUT_MS must be an integer 100..60000, got \"0\"\n",
        err.toString(StandardCharsets.UTF_8));
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void unknownOptionExitsTwoWithUsage() {
    assertEquals(2, run(Map.of(), "--jsn"));
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("unknown option \"--jsn\"\nusage:"));
  }

  @Test
  void helpExitsZero() {
    assertEquals(0, run(Map.of(), "--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: java -jar"));
  }

  @Test
  void aBugInACheckExitsThreeWithTheStackTraceOnStandardError() throws Exception {
    dns.on("api.private.prefect.cloud").a("127.0.0.1");
    // Accepts the TCP connection, so the check reaches the TLS code with the bug.
    java.net.ServerSocket listening =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    Map<String, String> env =
        Map.of(
            "TARGETS",
            "[{\"name\": \"prefect-api\", \"url\": \"https://api.private.prefect.cloud:"
                + listening.getLocalPort()
                + "/api/health\"}]",
            "DNS_SERVERS",
            "127.0.0.1:" + dns.address().getPort(),
            "EXPECTED_CIDRS",
            "127.0.0.0/8",
            "DEFAULT_TIMEOUT_MS",
            "5000");
    long start = System.nanoTime();

    int status =
        Main.run(
            new String[] {"--json"},
            env,
            new BrokenTls(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    long tookMs = (System.nanoTime() - start) / 1_000_000;
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertEquals(Main.CHECKER_FAILED, status, stderr);
    assertEquals(3, status);
    assertTrue(stderr.startsWith("the checker failed:\n"), stderr);
    assertTrue(stderr.contains("CheckerException: the check of prefect-"), stderr);
    assertTrue(stderr.contains(BrokenTls.BUG), stderr);
    assertTrue(stderr.contains("\tat health.privatelink."), stderr);
    assertEquals("", out.toString(StandardCharsets.UTF_8), "no report for a broken run");
    assertTrue(tookMs < 3_000, "the bug surfaced after " + tookMs + " ms of a 5 s budget");
    listening.close();
  }

  @Test
  void theUsageTextNamesExitStatusThree() {
    assertEquals(0, run(Map.of(), "--help"));
    assertTrue(
        out.toString(StandardCharsets.UTF_8).contains("3 the checker itself failed"),
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aTestAlertWithoutATopicIsLoggedAndExitsZero() throws Exception {
    int status =
        run(
            Map.of(
                "HOSTNAME", "ops-laptop-17", "DNS_SERVERS", "127.0.0.1:" + dns.address().getPort()),
            "--test-alert");

    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, status, printed + err.toString(StandardCharsets.UTF_8));
    JsonNode answer = new ObjectMapper().readTree(printed).get("testAlert");
    assertEquals("LOGGED", answer.get("delivery").asText(), printed);
    assertEquals(
        "[TEST] command line on ops-laptop-17: privatelink-health alert path test",
        answer.get("subject").asText());
    assertTrue(answer.get("messageId").isNull(), printed);
    assertTrue(answer.get("error").isNull(), printed);
    // The message is in the log (standard error), with its state; nothing was checked.
    String log = err.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("\"state\":\"TEST\""), log);
    assertTrue(!log.contains("check finished"), log);
    assertEquals(0, dns.queries().size(), "nothing was resolved");
  }

  @Test
  void testAlertTakesNoOtherOption() {
    assertEquals(2, run(loopbackDns(), "--test-alert", "--json"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--test-alert takes no other option"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--test-alert"));
  }
}
