package health.privatelink.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.privatelink.Reason;
import health.privatelink.check.TargetResult;
import health.privatelink.testing.TestReports;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's {@code endpoints}: one entry per address connected to, every key always there. */
class ReportJsonEndpointsTest {

  private static JsonNode result(TargetResult r) {
    return TestReports.resultJson(r);
  }

  @Test
  void eachAddressHasItsOwnResultTimingsAndZone() throws Exception {
    TargetResult r =
        TestReports.oneZoneBroken("api")
            .withDiagnosis(
                "zone use1-az2 is broken", Map.of(InetAddress.getByName("10.0.1.23"), "use1-az1"));

    JsonNode result = result(r);

    assertEquals(
        "10.0.2.17:443 (1 of 3 addresses): no TCP answer within 5000 ms",
        result.get("detail").asText());
    JsonNode endpoints = result.get("endpoints");
    assertEquals(3, endpoints.size());
    assertEquals(
        new ObjectMapper()
            .readTree(
                """
                {"address": "10.0.1.23", "zone": "use1-az1", "healthy": true, "reason": null,
                 "detail": null, "status": 200,
                 "timings": {"connectMs": 1, "tlsMs": 12, "ttfbMs": 30, "totalMs": 43},
                 "certificateDaysRemaining": 300}
                """),
        endpoints.get(0));
    assertEquals(
        new ObjectMapper()
            .readTree(
                """
                {"address": "10.0.2.17", "zone": null, "healthy": false,
                 "reason": "CONNECT_TIMEOUT", "detail": "no TCP answer within 5000 ms",
                 "status": null,
                 "timings": {"connectMs": null, "tlsMs": null, "ttfbMs": null, "totalMs": 5000},
                 "certificateDaysRemaining": null}
                """),
        endpoints.get(1));
    assertEquals("10.0.3.5", endpoints.get(2).get("address").asText());
  }

  @Test
  void noEndpointsAfterADnsFailureOrAPublicAddress() throws Exception {
    for (Reason reason : List.of(Reason.NXDOMAIN, Reason.NOT_PRIVATE_IP)) {
      JsonNode endpoints = result(TestReports.failed("api", reason)).get("endpoints");
      assertTrue(endpoints.isArray(), reason + ": " + endpoints);
      assertEquals(0, endpoints.size(), reason.name());
    }
  }
}
