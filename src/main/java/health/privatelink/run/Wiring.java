package health.privatelink.run;

import health.privatelink.Log;
import health.privatelink.alert.AlertRules;
import health.privatelink.alert.Alerter;
import health.privatelink.alert.Delivery;
import health.privatelink.alert.DynamoStateStore;
import health.privatelink.alert.LogDelivery;
import health.privatelink.alert.MemoryStateStore;
import health.privatelink.alert.SnsDelivery;
import health.privatelink.alert.StateStore;
import health.privatelink.aws.AwsClients;
import health.privatelink.aws.AwsSettings;
import health.privatelink.aws.Lazy;
import health.privatelink.check.Checker;
import health.privatelink.config.Config;
import health.privatelink.diagnose.CloudWatchEndpointMetrics;
import health.privatelink.diagnose.Diagnoser;
import health.privatelink.diagnose.Ec2QueryClient;
import health.privatelink.diagnose.LocalAddress;
import health.privatelink.diagnose.Scope;
import health.privatelink.dns.DnsResolver;
import health.privatelink.probe.HttpProber;
import health.privatelink.publish.MetricsPublisher;
import java.io.PrintStream;
import java.net.InetAddress;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * The production wiring: from the configuration and the AWS settings, both read once from the
 * environment, the run's parts built with their constructors. The handler and the command line
 * build their run here, and tests build theirs here too, with loopback settings, so what they test
 * is what runs. SDK clients are made on first use: a run that never alerts or diagnoses never pays
 * for them.
 */
public final class Wiring {
  private Wiring() {}

  /**
   * The run as configured.
   *
   * @param tls how targets' certificates are verified: {@link #jvmTls()} in production
   * @param stdout where log lines and EMF lines go
   */
  public static Pipeline pipeline(
      Config config, AwsSettings settings, SSLSocketFactory tls, PrintStream stdout) {
    AwsClients aws = new AwsClients(settings);
    return new Pipeline(
        new Checker(
            new DnsResolver(DnsServers.resolve(config.dnsServers(), InetAddress::getByName)),
            new HttpProber(tls, Clock.systemUTC()),
            Clock.systemUTC()),
        diagnoser(config, aws, stdout),
        metrics(config, aws, stdout),
        alerter(config, aws, stdout),
        stdout);
  }

  /** The JVM's own trust store. */
  public static SSLSocketFactory jvmTls() {
    try {
      return SSLContext.getDefault().getSocketFactory();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no default TLS", e);
    }
  }

  /**
   * The diagnosis as configured: nothing without VPC_ID or VPC_ENDPOINT_IDS; otherwise EC2 calls
   * made only once a target fails.
   */
  public static Diagnoser diagnoser(Config config, AwsClients aws, PrintStream stdout) {
    Scope scope = Scope.from(config);
    if (!scope.configured()) {
      return Diagnoser.off();
    }
    return new Diagnoser(
        () -> new Ec2QueryClient(aws.ec2()),
        () ->
            new CloudWatchEndpointMetrics(
                new Lazy<>(() -> aws.cloudWatch(List.of())), Instant::now),
        scope,
        LocalAddress.system(),
        new Log(stdout));
  }

  /**
   * Metrics as METRICS_MODE and METRICS_DETAIL say, the CloudWatch client made on the first run
   * that needs it.
   */
  public static MetricsPublisher metrics(Config config, AwsClients aws, PrintStream stdout) {
    return new MetricsPublisher(
        config.metricsMode(),
        config.metricsDetail(),
        config.metricsNamespace(),
        MetricsPublisher.cloudWatch(aws),
        stdout,
        new Log(stdout));
  }

  /**
   * Alerts as configured: state in DynamoDB when STATE_TABLE is set, in memory otherwise; messages
   * to the SNS topic when ALERT_TOPIC_ARN is set, to the log otherwise.
   */
  public static Alerter alerter(Config config, AwsClients aws, PrintStream stdout) {
    StateStore store =
        config
            .stateTable()
            .<StateStore>map(table -> new DynamoStateStore(new Lazy<>(aws::dynamoDb), table))
            .orElseGet(MemoryStateStore::new);
    return new Alerter(AlertRules.from(config), store, delivery(config, aws, stdout), stdout);
  }

  /** Where alert messages go: the SNS topic, its client made on the first publish, or the log. */
  public static Delivery delivery(Config config, AwsClients aws, PrintStream stdout) {
    Log log = new Log(stdout);
    return config
        .alertTopicArn()
        .<Delivery>map(topic -> new SnsDelivery(topic, aws::sns, log))
        .orElseGet(() -> new LogDelivery(log));
  }
}
