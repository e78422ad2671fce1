package health.privatelink.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonGenerator;
import health.privatelink.BadInputException;
import health.privatelink.Deadline;
import health.privatelink.Json;
import health.privatelink.Log;
import health.privatelink.alert.StateStoreException;
import health.privatelink.alert.TestAlert;
import health.privatelink.aws.AwsSettings;
import health.privatelink.check.Silence;
import health.privatelink.config.Config;
import health.privatelink.config.ConfigException;
import health.privatelink.config.ConfigParser;
import health.privatelink.config.Target;
import health.privatelink.config.TargetsParser;
import health.privatelink.prime.Primer;
import health.privatelink.prime.SnapshotHooks;
import health.privatelink.run.Pipeline;
import health.privatelink.run.ReportJson;
import health.privatelink.run.TimePlan;
import health.privatelink.run.Wiring;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Lambda function: the scheduled event in, the JSON report out. Unhealthy targets are a normal
 * result, and a malformed manual event is answered with {@code {"error": "..."}}; only a broken
 * checker (bad configuration, a bug) is a function error, so Lambda's {@code Errors} metric keeps
 * its meaning.
 */
public final class Handler implements RequestStreamHandler {
  private final Config config;
  private final Pipeline pipeline;
  private final TargetsParser manualTargets;
  private final String origin;
  private final Log log;

  /** Held for as long as the function lives: the CRaC context keeps its resources weakly. */
  private SnapshotHooks snapshotHooks;

  /**
   * Built once per execution environment: configuration is parsed and validated here, so a bad
   * setting fails the init with a message naming it.
   */
  public Handler() {
    this(System.getenv(), System.out);
  }

  /**
   * @throws ConfigException naming the variable, wherever it is found: parsing or wiring
   */
  Handler(Map<String, String> env, PrintStream stdout) {
    this(ConfigParser.parse(env), AwsSettings.from(env), origin(env), stdout);
  }

  private Handler(Config config, AwsSettings aws, String origin, PrintStream stdout) {
    this(config, Wiring.pipeline(config, aws, Wiring.jvmTls(), stdout), origin, stdout);
    pipeline.prepare();
    // On the init thread, after the wiring: priming on a thread of its own beside the CloudWatch
    // client's measured no shorter on two cores (docs/performance.md), and a 1024 MB function has
    // a fraction of one core to overlap on.
    Primer.primeOnce();
    this.snapshotHooks = SnapshotHooks.register(pipeline);
  }

  /** A handler whose test alerts name the function as {@link #origin} does without a name. */
  Handler(Config config, Pipeline pipeline, PrintStream stdout) {
    this(config, pipeline, origin(Map.of()), stdout);
  }

  /**
   * @param origin where test alerts say they come from: the function's name and region
   */
  Handler(Config config, Pipeline pipeline, String origin, PrintStream stdout) {
    this.config = config;
    this.pipeline = pipeline;
    this.origin = origin;
    this.manualTargets = new TargetsParser(config.expectedCidrs(), config.defaultTimeout());
    this.log = new Log(stdout);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    Deadline deadline = TimePlan.lambda(Duration.ofMillis(context.getRemainingTimeInMillis()));
    Invocation invocation;
    try {
      invocation = Invocation.from(readEvent(input), manualTargets);
    } catch (BadInputException e) {
      // The person who sent the event reads the answer; a function error would count in Errors
      // and page on-call for a typo in a console test event.
      log.warn("bad event", Map.of("error", e.getMessage()));
      writeError(e.getMessage(), output);
      return;
    }
    List<Target> targets;
    boolean publish;
    switch (invocation) {
      case Invocation.Scheduled scheduled -> {
        targets = config.targets();
        publish = true;
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("eventId", scheduled.event().getId());
        fields.put(
            "eventTime",
            scheduled.event().getTime() == null
                ? null
                : Instant.ofEpochMilli(scheduled.event().getTime().getMillis()));
        log.info("scheduled invocation", fields);
      }
      case Invocation.Manual manual -> {
        targets = manual.targets();
        publish = manual.publish();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("targets", targets.stream().map(Target::name).toList());
        fields.put("publish", publish);
        log.info("manual invocation", fields);
      }
      case Invocation.AlertTest test -> {
        // Nothing is checked: the answer says how the one message went.
        log.info("test alert invocation", Map.of("origin", origin));
        TestAlert sent = pipeline.testAlert(origin, deadline);
        try (JsonGenerator json = Json.factory().createGenerator(output)) {
          ReportJson.write(sent, json);
        }
        return;
      }
      case Invocation.Silence silence -> {
        // Not a check run: nothing is checked, and the next run stays a cold start if it was.
        log.info(
            "silence invocation",
            Map.of("request", silence.request().kind(), "targets", silence.request().targets()));
        Map<String, Silence> silences;
        try {
          silences = pipeline.silence(silence.request(), config.targets(), deadline);
        } catch (BadInputException e) {
          log.warn("bad event", Map.of("error", e.getMessage()));
          writeError(e.getMessage(), output);
          return;
        } catch (StateStoreException e) {
          // The store is down or the call ran out of time: the sender reads why and tries again.
          log.error("silence request failed", Map.of("error", String.valueOf(e.getMessage())));
          writeError(e.getMessage(), output);
          return;
        }
        try (JsonGenerator json = Json.factory().createGenerator(output)) {
          ReportJson.write(silences, json);
        }
        return;
      }
    }
    Pipeline.Outcome outcome;
    try {
      outcome = pipeline.run(targets, deadline, publish);
    } catch (RuntimeException bug) {
      // The checker is broken: the invocation fails, so Lambda's Errors metric counts it.
      log.error("checker failed", Log.failure(bug));
      throw bug;
    }
    try (JsonGenerator json = Json.factory().createGenerator(output)) {
      ReportJson.write(outcome, json);
    }
  }

  /**
   * Where the function's test alerts come from: its name ({@code AWS_LAMBDA_FUNCTION_NAME}) and
   * region ({@code AWS_REGION}), as Lambda sets them.
   */
  static String origin(Map<String, String> env) {
    String name = env.getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "");
    String region = env.getOrDefault("AWS_REGION", "");
    return (name.isBlank() ? "privatelink-health" : name)
        + (region.isBlank() ? "" : " in " + region);
  }

  private static void writeError(String message, OutputStream output) throws IOException {
    try (JsonGenerator json = Json.factory().createGenerator(output)) {
      json.writeStartObject();
      json.writeStringField("error", message);
      json.writeEndObject();
    }
  }

  private static Object readEvent(InputStream input) throws IOException {
    byte[] bytes = input.readAllBytes();
    if (bytes.length == 0) {
      return null;
    }
    return Json.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), "the event");
  }
}
