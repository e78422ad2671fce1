package health.privatelink.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.privatelink.run.Wiring;
import health.privatelink.testing.DynamoDbTestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --silence}, {@code --silences} and {@code --unsilence}: the answers printed and the exit
 * codes. The table path with a real client is {@code SilenceDynamoIT}'s.
 */
class MainSilenceTest {
  static final String TABLE = "privatelink-health-state";
  final DynamoDbTestServer dynamo = DynamoDbTestServer.start().createTable(TABLE, "target");
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @AfterEach
  void stop() {
    dynamo.close();
  }

  Map<String, String> env(boolean table) {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "testing");
    env.put("AWS_SECRET_ACCESS_KEY", "testing");
    env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamo.uri().toString());
    env.put("AWS_ENDPOINT_URL_SNS", dynamo.uri().toString());
    env.put("AWS_ENDPOINT_URL_CLOUDWATCH", dynamo.uri().toString());
    env.put("DNS_SERVERS", "127.0.0.1:9");
    if (table) {
      env.put("STATE_TABLE", TABLE);
    }
    return env;
  }

  int run(Map<String, String> env, String... args) {
    out.reset();
    err.reset();
    return Main.run(
        args,
        env,
        Wiring.jvmTls(),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  JsonNode answer() throws Exception {
    return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void listAndUnsilenceWithoutATableAnswerFromThisProcess() throws Exception {
    // Without STATE_TABLE a process of its own holds no silence: the answer is empty, and exit 0.
    assertEquals(0, run(env(false), "--silences"), err.toString(StandardCharsets.UTF_8));
    assertEquals("{\"silences\":[]}", answer().toString());
    assertEquals(0, run(env(false), "--unsilence", "prefect-api"));
    assertEquals("{\"silences\":[]}", answer().toString());
    assertEquals(List.of(), dynamo.requests(), "no table asked");
  }

  @Test
  void silenceWithoutAStateTableIsRefused() {
    assertEquals(
        2, run(env(false), "--silence", "prefect-api", "--minutes", "10", "--reason", "window"));
    assertEquals(
        "--silence needs STATE_TABLE: without it the silence would live in this process and end"
            + " with it\n",
        err.toString(StandardCharsets.UTF_8));
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void badSilenceOptionsExitTwoNamingWhatIsWrong() {
    Map<String[], String> cases = new java.util.LinkedHashMap<>();
    cases.put(
        new String[] {"--silence", "nope", "--minutes", "10", "--reason", "r"},
        "silence.targets[0] \"nope\" is not a configured target; configured: prefect-api,"
            + " prefect-ui\n");
    cases.put(
        new String[] {"--silence", "prefect-api", "--minutes", "10081", "--reason", "r"},
        "silence.minutes must be 1..10080 (7 days at most), got 10081\n");
    cases.put(
        new String[] {"--silence", "prefect-api", "--minutes", "ten", "--reason", "r"},
        "--minutes must be a whole number 1..10080, got \"ten\"\n");
    cases.put(
        new String[] {"--silence", "prefect-api", "--reason", "r"},
        "--silence needs --minutes N (1..10080)\n");
    cases.put(
        new String[] {"--silence", "prefect-api", "--minutes", "5"},
        "silence.reason must be text of 1..200 characters, got null\n");
    cases.put(
        new String[] {"--unsilence", "nope"},
        "silence.clear[0] \"nope\" is not a configured target; configured: prefect-api,"
            + " prefect-ui\n");
    for (Map.Entry<String[], String> c : cases.entrySet()) {
      assertEquals(2, run(env(true), c.getKey()), String.join(" ", c.getKey()));
      assertEquals(
          c.getValue(), err.toString(StandardCharsets.UTF_8), String.join(" ", c.getKey()));
    }
    assertEquals(2, run(env(true), "--silences", "--json"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8)
            .startsWith("--silence, --silences and --unsilence each take no other option\n"));
    assertEquals(2, run(env(true), "--minutes", "5"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8)
            .startsWith("--minutes and --reason go only with --silence\n"));
  }
}
