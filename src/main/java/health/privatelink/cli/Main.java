package health.privatelink.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import health.privatelink.BadInputException;
import health.privatelink.Deadline;
import health.privatelink.Json;
import health.privatelink.alert.StateStoreException;
import health.privatelink.alert.TestAlert;
import health.privatelink.aws.AwsSettings;
import health.privatelink.check.Report;
import health.privatelink.check.Silence;
import health.privatelink.config.Config;
import health.privatelink.config.ConfigException;
import health.privatelink.config.ConfigParser;
import health.privatelink.prime.Primer;
import health.privatelink.run.Pipeline;
import health.privatelink.run.ReportJson;
import health.privatelink.run.SilenceRequest;
import health.privatelink.run.TimePlan;
import health.privatelink.run.Wiring;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLSocketFactory;

/**
 * The command line: one check of the configured targets from wherever it runs. Exit status 0 when
 * all are healthy, 1 when some are not, 2 for bad configuration or usage, 3 when the checker itself
 * failed (a bug; its stack trace goes to standard error).
 */
public final class Main {
  static final int HEALTHY = 0;
  static final int UNHEALTHY = 1;
  static final int BAD_CONFIGURATION = 2;
  static final int CHECKER_FAILED = 3;

  private static final String USAGE =
      """
      usage: java -jar privatelink-health.jar [--json] [--publish]
             java -jar privatelink-health.jar --test-alert
             java -jar privatelink-health.jar --silence TARGET --minutes N --reason TEXT
             java -jar privatelink-health.jar --silences | --unsilence TARGET

        Checks the targets configured in the environment (TARGETS, or the two Prefect Cloud
        private endpoints by default) once, and prints a table.

        --json      print the JSON report instead of the table
        --publish   also send CloudWatch metrics and SNS alerts, as the Lambda function does
        --test-alert  check nothing; send one [TEST] message to ALERT_TOPIC_ARN (or log it
                    without a topic) through the alerts' delivery, and print how it went;
                    exit 0 when delivered, 1 when not
        --silence TARGET --minutes N --reason TEXT
                    check nothing; silence TARGET (repeatable) for N minutes (1..10080) in
                    STATE_TABLE (required: this process would forget it): still checked and
                    measured, but no ALARM or REMINDER until the end
        --silences  print the silences in force
        --unsilence TARGET  end TARGET's silence (repeatable)
                    Each silence option prints {"silences": [...]}, every silence in force
                    afterwards; exit 0 when done, 1 when the state table failed
        --help      print this text

      Exit status: 0 all healthy, 1 some unhealthy, 2 bad configuration or usage,
      3 the checker itself failed (a bug; the stack trace on standard error).
      """;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), Wiring.jvmTls(), System.out, System.err));
  }

  /**
   * One invocation of the command line.
   *
   * @param env the environment, read once into the configuration and the AWS settings
   * @param tls makes the TLS connections of the checks: the JVM's trust store in production
   */
  static int run(
      String[] args,
      Map<String, String> env,
      SSLSocketFactory tls,
      PrintStream out,
      PrintStream err) {
    try {
      return runOnce(args, env, tls, out, err);
    } catch (RuntimeException bug) {
      // Anything not classified on the way (configuration, usage, target failures) is the
      // checker's own fault: exit 3, never 1, which would tell a script "a target is unhealthy".
      err.println("the checker failed:");
      bug.printStackTrace(err);
      return CHECKER_FAILED;
    }
  }

  private static int runOnce(
      String[] args,
      Map<String, String> env,
      SSLSocketFactory tls,
      PrintStream out,
      PrintStream err) {
    boolean json = false;
    boolean publish = false;
    boolean testAlert = false;
    List<String> silence = new ArrayList<>();
    List<String> unsilence = new ArrayList<>();
    boolean silences = false;
    String minutes = null;
    String reason = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (VALUED.contains(arg)) {
        if (i + 1 == args.length) {
          err.println(arg + " needs a value");
          err.print(USAGE);
          return BAD_CONFIGURATION;
        }
        String value = args[++i];
        switch (arg) {
          case "--silence" -> silence.add(value);
          case "--unsilence" -> unsilence.add(value);
          case "--minutes" -> minutes = value;
          default -> reason = value;
        }
        continue;
      }
      switch (arg) {
        case "--json" -> json = true;
        case "--publish" -> publish = true;
        case "--test-alert" -> testAlert = true;
        case "--silences" -> silences = true;
        case "--help", "-h" -> {
          out.print(USAGE);
          return HEALTHY;
        }
        default -> {
          err.println("unknown option " + Json.quote(arg));
          err.print(USAGE);
          return BAD_CONFIGURATION;
        }
      }
    }
    if (testAlert && (json || publish)) {
      err.println("--test-alert takes no other option");
      err.print(USAGE);
      return BAD_CONFIGURATION;
    }
    int silenceKinds =
        (silence.isEmpty() ? 0 : 1) + (unsilence.isEmpty() ? 0 : 1) + (silences ? 1 : 0);
    boolean silencing = silenceKinds > 0;
    if (silenceKinds > 1 || (silencing && (json || publish || testAlert))) {
      err.println("--silence, --silences and --unsilence each take no other option");
      err.print(USAGE);
      return BAD_CONFIGURATION;
    }
    if ((minutes != null || reason != null) && silence.isEmpty()) {
      err.println("--minutes and --reason go only with --silence");
      err.print(USAGE);
      return BAD_CONFIGURATION;
    }
    SilenceRequest request = null;
    if (silencing) {
      try {
        request =
            silences
                ? new SilenceRequest.Active()
                : unsilence.isEmpty()
                    ? new SilenceRequest.Start(silence, minutes(minutes), reason)
                    : new SilenceRequest.Clear(unsilence);
      } catch (BadInputException e) {
        err.println(e.getMessage());
        return BAD_CONFIGURATION;
      }
    }
    Config config;
    Pipeline pipeline;
    try {
      config = ConfigParser.parse(env);
      // With --publish, log lines (and EMF lines) go to standard error, keeping standard output
      // for the table or the report; without it the table says everything the log lines would.
      // The wiring is inside the try: it finds errors too (a DNS_SERVERS name that does not
      // resolve).
      pipeline =
          Wiring.pipeline(
              config,
              AwsSettings.from(env),
              tls,
              publish || testAlert || silencing
                  ? err
                  : new PrintStream(OutputStream.nullOutputStream()));
    } catch (ConfigException e) {
      err.println("bad configuration: " + e.getMessage());
      return BAD_CONFIGURATION;
    }
    if (testAlert) {
      return testAlert(pipeline, env, out, err);
    }
    if (request != null) {
      if (request instanceof SilenceRequest.Start && config.stateTable().isEmpty()) {
        err.println(
            "--silence needs STATE_TABLE: without it the silence would live in this process"
                + " and end with it");
        return BAD_CONFIGURATION;
      }
      return silence(pipeline, request, config, out, err);
    }
    // Every command-line run is a first run: primed, it shows the network's times.
    Primer.primeOnce();
    Pipeline.Outcome outcome =
        pipeline.run(config.targets(), TimePlan.commandLine(config.targets(), publish), publish);
    Report report = outcome.report();
    out.print(json ? toJson(outcome) : ReportTable.render(report));
    out.flush();
    return report.healthy() ? HEALTHY : UNHEALTHY;
  }

  /** The options that take a value. */
  private static final Set<String> VALUED =
      Set.of("--silence", "--unsilence", "--minutes", "--reason");

  /**
   * {@code --minutes N}, required with {@code --silence}.
   *
   * @throws BadInputException naming the option
   */
  private static int minutes(String value) {
    if (value == null) {
      throw new BadInputException("--silence needs --minutes N (1..10080)");
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new BadInputException(
          "--minutes must be a whole number 1..10080, got " + Json.quote(value));
    }
  }

  /** The silence options: the request done, its answer printed as the function gives it. */
  private static int silence(
      Pipeline pipeline, SilenceRequest request, Config config, PrintStream out, PrintStream err) {
    Map<String, Silence> silences;
    try {
      silences = pipeline.silence(request, config.targets(), Deadline.after(TimePlan.PUBLISHING));
    } catch (BadInputException e) {
      err.println(e.getMessage());
      return BAD_CONFIGURATION;
    } catch (StateStoreException e) {
      err.println("the silence request failed: " + e.getMessage());
      return UNHEALTHY;
    }
    StringWriter text = new StringWriter();
    try (JsonGenerator json = Json.factory().createGenerator(text)) {
      json.useDefaultPrettyPrinter();
      ReportJson.write(silences, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.print(text + "\n");
    out.flush();
    return HEALTHY;
  }

  /** {@code --test-alert}: one test message, the answer printed as the function gives it. */
  private static int testAlert(
      Pipeline pipeline, Map<String, String> env, PrintStream out, PrintStream err) {
    TestAlert sent = pipeline.testAlert(origin(env), Deadline.after(TimePlan.PUBLISHING));
    StringWriter text = new StringWriter();
    try (JsonGenerator json = Json.factory().createGenerator(text)) {
      json.useDefaultPrettyPrinter();
      ReportJson.write(sent, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.print(text + "\n");
    out.flush();
    return sent.delivered() ? HEALTHY : UNHEALTHY;
  }

  /**
   * Where a test alert from the command line comes from: this host's name, from {@code HOSTNAME},
   * else the kernel's, else the JVM's (which may ask the resolver, so it comes last).
   */
  static String origin(Map<String, String> env) {
    String host = env.getOrDefault("HOSTNAME", "").strip();
    if (host.isEmpty()) {
      try {
        host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
      } catch (IOException | RuntimeException notLinux) {
        host = "";
      }
    }
    if (host.isEmpty()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        host = "an unknown host";
      }
    }
    return "command line on " + host;
  }

  private static String toJson(Pipeline.Outcome outcome) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = Json.factory().createGenerator(text)) {
      json.useDefaultPrettyPrinter();
      ReportJson.write(outcome, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text + "\n";
  }
}
