package health.privatelink.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import health.privatelink.Deadline;
import health.privatelink.check.Report;
import health.privatelink.config.ConfigException;
import health.privatelink.config.ConfigParser;
import health.privatelink.run.Pipeline;
import health.privatelink.run.Wiring;
import health.privatelink.testing.AwsTestServer;
import health.privatelink.testing.CloudWatchTestServer;
import health.privatelink.testing.HttpTestServer;
import health.privatelink.testing.SnsEndpoint;
import health.privatelink.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Security: TLS verification cannot be turned off by configuration, and nothing secret reaches the
 * log, the report or the alert, while the function signs with credentials from its environment and
 * checks a URL whose query carries a token.
 */
class SecurityTest {
  private static final String ACCESS_KEY = "AKIAEXAMPLEACCESSKEY";
  private static final String SECRET_KEY = "wJalrXUtnFEMI-secret-access-key-EXAMPLE";
  private static final String SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLE-session-token-value";
  private static final String QUERY_TOKEN = "q-token-5f2b9c1e7a";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "insecure",
        "insecureSkipVerify",
        "skipTlsVerify",
        "tlsVerify",
        "verifyTls",
        "verify",
        "trustAll",
        "caBundle",
        "tls"
      })
  void noTargetKeyCanTurnTlsVerificationOff(String key) {
    String targets = "[{\"name\": \"a\", \"url\": \"https://a.example/\", \"" + key + "\": false}]";
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigParser.parse(Map.of("TARGETS", targets)));
    assertTrue(
        e.getMessage().startsWith("TARGETS[0] has unknown key \"" + key + "\""), e.getMessage());
  }

  @Test
  void aSelfSignedServerFailsWhateverTheEnvironmentSays() throws Exception {
    try (var function = new LoopbackFunction();
        var server =
            HttpTestServer.https(
                TestPki.serverContext(TestPki.selfSigned(LoopbackFunction.HOST)),
                HttpTestServer.respond(200, "ok"))) {
      Map<String, String> env =
          function.env(
              "[{\"name\": \"self-signed\", \"url\": \"https://"
                  + LoopbackFunction.HOST
                  + ":"
                  + server.port()
                  + "/health\"}]",
              Map.of(
                  "METRICS_MODE", "off",
                  "NODE_TLS_REJECT_UNAUTHORIZED", "0",
                  "INSECURE", "true",
                  "TLS_VERIFY", "false",
                  "SSL_VERIFY", "false",
                  "CURL_CA_BUNDLE", "",
                  "PYTHONHTTPSVERIFY", "0"));
      env.remove("ALERT_TOPIC_ARN");
      // The production wiring: the JVM's own trust store, which does not hold this certificate.
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      Pipeline pipeline =
          Wiring.pipeline(
              ConfigParser.parse(env),
              function.aws(env),
              Wiring.jvmTls(),
              new PrintStream(log, true, StandardCharsets.UTF_8));
      Report report =
          pipeline
              .run(ConfigParser.parse(env).targets(), Deadline.after(Duration.ofSeconds(10)), false)
              .report();
      assertEquals(
          "TLS_ERROR", report.results().getFirst().failure().orElseThrow().reason().name());
      assertEquals(0, server.requests().size(), "no request is sent over an unverified connection");
    }
  }

  @Test
  void secretsReachNeitherLogNorReportNorAlert() throws Exception {
    String body =
        "<html>\u001b[2J\u0007\r\n<title>Maintenance</title>\u202e\u2028"
            + "lorem ipsum ".repeat(2000)
            + "</html>";
    try (var function = new LoopbackFunction();
        var down =
            HttpTestServer.https(
                TestPki.serverContext(function.pki.server(30, LoopbackFunction.HOST)),
                HttpTestServer.respond(503, body));
        var degraded =
            HttpTestServer.https(
                TestPki.serverContext(function.pki.server(30, LoopbackFunction.HOST)),
                HttpTestServer.respond(200, body))) {
      function.credentials =
          StaticCredentialsProvider.create(
              AwsSessionCredentials.create(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN));
      function.cloudWatch.replyAlways(CloudWatchTestServer.Reply.SERVER_ERROR);
      function.sns.replyNext(SnsEndpoint.Reply.SERVER_ERROR);
      String url = "https://" + LoopbackFunction.HOST + ":%d/health?token=" + QUERY_TOKEN + "&v=1";
      String targets =
          "[{\"name\": \"down\", \"url\": \""
              + url.formatted(down.port())
              + "\"}, {\"name\": \"degraded\", \"url\": \""
              + url.formatted(degraded.port())
              + "\", \"bodyContains\": \"\\\"status\\\":\\\"ok\\\"\"}]";
      Map<String, String> env = new LinkedHashMap<>();
      env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
      env.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
      env.put("AWS_SESSION_TOKEN", SESSION_TOKEN);
      env.put("STATE_TABLE", "privatelink-health-state");
      Handler handler = function.handler(function.env(targets, env));

      List<String> reports = new ArrayList<>();
      for (int run = 0; run < 2; run++) {
        JsonNode report = LoopbackFunction.invoke(handler, "{}", 20_000);
        reports.add(report.toString());
        assertEquals("HTTP_STATUS", report.get("results").get(0).get("reason").asText());
        assertEquals("BODY_MISMATCH", report.get("results").get(1).get("reason").asText());
        assertEquals(
            "https://"
                + LoopbackFunction.HOST
                + ":"
                + down.port()
                + "/health?token=REDACTED&v=REDACTED",
            report.get("results").get(0).get("url").asText());
        String detail = report.get("results").get(1).get("detail").asText();
        assertShortSanitisedExcerpt(detail);
      }
      // The server did get the real token: only what is shown hides it.
      assertTrue(
          down.requests().getFirst().startsWith("GET /health?token=" + QUERY_TOKEN + "&v=1 "));

      List<String> alerts = new ArrayList<>();
      for (Map<String, String> request :
          function.sns.requests().stream().map(AwsTestServer.Request::params).toList()) {
        alerts.add(
            request.getOrDefault("Subject", "") + "\n" + request.getOrDefault("Message", ""));
      }
      assertFalse(function.sns.published().isEmpty(), "the alert went out");
      String log = function.stdout();
      assertTrue(log.contains("PutMetricData failed"), "the failures were logged");

      Map<String, String> where =
          Map.of(
              "log", log, "report", String.join("\n", reports), "alert", String.join("\n", alerts));
      for (Map.Entry<String, String> output : where.entrySet()) {
        for (String secret :
            List.of(
                SECRET_KEY,
                SESSION_TOKEN,
                QUERY_TOKEN,
                "Authorization",
                "X-Amz-Security-Token",
                "User-Agent: privatelink-health",
                "Connection: close")) {
          assertFalse(
              output.getValue().contains(secret),
              () -> "the " + output.getKey() + " shows \"" + secret + "\": " + output.getValue());
        }
      }
      for (String alert : alerts) {
        assertTrue(
            alert.chars().noneMatch(c -> c < 0x20 && c != '\n' || c == 0x7f || c == 0x202e),
            "no control characters in the alert: " + alert);
      }
    }
  }

  /** The body appears as at most 100 characters, without control or direction characters. */
  private static void assertShortSanitisedExcerpt(String detail) {
    int start = detail.indexOf("it starts \"");
    assertTrue(start >= 0, detail);
    String excerpt = detail.substring(start + "it starts \"".length());
    assertTrue(excerpt.length() <= 100 + "...\"".length(), "excerpt too long: " + excerpt);
    assertTrue(
        detail
            .codePoints()
            .noneMatch(c ->
                Character.isISOControl(c)
                    || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR),
        "control or format characters in " + detail);
  }
}
