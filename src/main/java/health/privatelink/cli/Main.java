package health.privatelink.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import health.privatelink.Deadline;
import health.privatelink.Json;
import health.privatelink.alert.TestAlert;
import health.privatelink.aws.AwsSettings;
import health.privatelink.check.Report;
import health.privatelink.config.Config;
import health.privatelink.config.ConfigException;
import health.privatelink.config.ConfigParser;
import health.privatelink.prime.Primer;
import health.privatelink.run.Pipeline;
import health.privatelink.run.ReportJson;
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
import java.util.Map;
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

        Checks the targets configured in the environment (TARGETS, or the two Prefect Cloud
        private endpoints by default) once, and prints a table.

        --json      print the JSON report instead of the table
        --publish   also send CloudWatch metrics and SNS alerts, as the Lambda function does
        --test-alert  check nothing; send one [TEST] message to ALERT_TOPIC_ARN (or log it
                    without a topic) through the alerts' delivery, and print how it went;
                    exit 0 when delivered, 1 when not
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
    boolean json = false;
    boolean publish = false;
    boolean testAlert = false;
    for (String arg : args) {
      switch (arg) {
        case "--json" -> json = true;
        case "--publish" -> publish = true;
        case "--test-alert" -> testAlert = true;
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
              publish || testAlert ? err : new PrintStream(OutputStream.nullOutputStream()));
    } catch (ConfigException e) {
      err.println("bad configuration: " + e.getMessage());
      return BAD_CONFIGURATION;
    }
    if (testAlert) {
      return testAlert(pipeline, env, out, err);
    }
    // Every command-line run is a first run: primed, it shows the network's times.
    Primer.primeOnce();
    Pipeline.Outcome outcome;
    try {
      outcome =
          pipeline.run(config.targets(), TimePlan.commandLine(config.targets(), publish), publish);
    } catch (RuntimeException bug) {
      err.println("the checker failed:");
      bug.printStackTrace(err);
      return CHECKER_FAILED;
    }
    Report report = outcome.report();
    out.print(json ? toJson(outcome) : ReportTable.render(report));
    out.flush();
    return report.healthy() ? HEALTHY : UNHEALTHY;
  }

  /** {@code --test-alert}: one test message, the answer printed as the function gives it. */
  private static int testAlert(
      Pipeline pipeline, Map<String, String> env, PrintStream out, PrintStream err) {
    TestAlert sent;
    try {
      sent = pipeline.testAlert(origin(env), Deadline.after(TimePlan.PUBLISHING));
    } catch (RuntimeException bug) {
      err.println("the checker failed:");
      bug.printStackTrace(err);
      return CHECKER_FAILED;
    }
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
