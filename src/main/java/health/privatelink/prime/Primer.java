package health.privatelink.prime;

import com.fasterxml.jackson.core.JsonGenerator;
import health.privatelink.Background;
import health.privatelink.Deadline;
import health.privatelink.Failure;
import health.privatelink.Json;
import health.privatelink.Log;
import health.privatelink.Reason;
import health.privatelink.check.EndpointResult;
import health.privatelink.check.Report;
import health.privatelink.check.TargetResult;
import health.privatelink.check.Timings;
import health.privatelink.config.MetricsMode;
import health.privatelink.config.Target;
import health.privatelink.publish.MetricsPublisher;
import health.privatelink.run.Pipeline;
import health.privatelink.run.ReportJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Takes a run's code paths through their first execution before the first run, so that run's phase
 * timings are the network's rather than class loading's: a TLS handshake and an HTTP answer in
 * memory, a DNS query and answer built and parsed, a report and its EMF lines written. Nothing is
 * sent on any socket and nothing is printed: Lambda would take printed EMF lines for real metrics.
 */
public final class Primer {
  private static final String NAMESPACE = "PrivateLinkHealth/priming";
  private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());

  /** Whether this process was primed: loaded classes and compiled code are the process's. */
  private static final AtomicBoolean primed = new AtomicBoolean();

  private Primer() {}

  /**
   * Primes unless this process already was: for the function's init and the command line. Two
   * handlers in one process (tests) or a second run of the command line's code share what the first
   * priming loaded.
   */
  public static void primeOnce() {
    if (!primed.get()) {
      prime();
    }
  }

  /**
   * Primes every path, on the calling thread: about 0.3 to 1 s of a cold JVM's CPU, most of it the
   * TLS handshake's class loading and first signatures, which the first run would otherwise pay.
   *
   * @throws IllegalStateException when a made-up exchange does not read back as written: a bug
   */
  public static void prime() {
    tls();
    dns();
    report();
    primed.set(true);
  }

  /** The probe's TLS and HTTP parsing, with the provider of the JVM's default context. */
  static void tls() {
    Provider provider;
    try {
      provider = SSLContext.getDefault().getProvider();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no default TLS", e);
    }
    TlsPriming.handshake(provider);
  }

  /**
   * A query built and encoded, and a made-up answer with an A record parsed and read, as the
   * resolver does them; the resolver object made but never asked. Replies are parsed on virtual
   * threads, whose scheduler this starts too.
   */
  static void dns() {
    try {
      Name name = Name.fromString(TlsPriming.HOST, Name.root);
      Message query = Message.newQuery(Record.newRecord(name, Type.A, DClass.IN));
      byte[] wire = query.toWire();
      Message answer = new Message(wire);
      answer.getHeader().setFlag(Flags.QR);
      answer.getHeader().setRcode(Rcode.NOERROR);
      answer.addRecord(
          new ARecord(name, DClass.IN, 60, InetAddress.getByAddress(new byte[] {10, 0, 0, 1})),
          Section.ANSWER);
      byte[] reply = answer.toWire(Message.MAXLENGTH);
      Message parsed = Background.virtual("dns-priming", () -> new Message(reply)).join();
      List<Record> records = parsed.getSection(Section.ANSWER);
      if (parsed.getRcode() != Rcode.NOERROR
          || records.size() != 1
          || !(records.getFirst() instanceof ARecord a)
          || !a.getName().equals(name)
          || a.getAddress().getAddress()[0] != 10) {
        throw new IllegalStateException("the priming DNS answer read back as " + parsed);
      }
      // Made, never used: a resolver opens its socket only when it sends.
      new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53))
          .setTimeout(Duration.ofSeconds(1));
      udpChannel();
    } catch (TextParseException | UnknownHostException e) {
      throw new IllegalStateException("priming DNS: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("priming DNS", e);
    }
  }

  /**
   * The socket path of a query before it is sent: a non-blocking datagram channel bound on loopback
   * and registered for reading with a selector, as dnsjava's UDP client does before it connects the
   * channel and writes the query, then closed. It is never connected and nothing is written to it.
   */
  private static void udpChannel() throws IOException {
    try (Selector selector = Selector.open();
        DatagramChannel channel = DatagramChannel.open()) {
      channel.configureBlocking(false);
      channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
      selector.selectNow();
      key.cancel();
    }
  }

  /** A report of one healthy and one failed target, as JSON, EMF lines and a log line. */
  static void report() {
    Instant now = Instant.now();
    Duration ms = Duration.ofMillis(1);
    Timings timings =
        new Timings(
            Optional.of(ms), Optional.of(ms), Optional.of(ms), Optional.of(ms), ms.multipliedBy(4));
    InetAddress address;
    try {
      address = InetAddress.getByAddress(TlsPriming.HOST, new byte[] {10, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    Target target =
        new Target(
            "priming",
            URI.create("https://" + TlsPriming.HOST + "/health"),
            Set.of(200),
            Duration.ofSeconds(5),
            Optional.empty(),
            List.of(),
            true);
    TargetResult healthy =
        new TargetResult(
            target,
            Optional.empty(),
            List.of(address),
            OptionalInt.of(200),
            timings,
            OptionalLong.of(365),
            Optional.empty(),
            List.of(
                new EndpointResult(
                    address,
                    Optional.empty(),
                    Optional.empty(),
                    OptionalInt.of(200),
                    timings,
                    OptionalLong.of(365))),
            Optional.empty());
    TargetResult failed =
        new TargetResult(
            target,
            Optional.of(new Failure(Reason.NXDOMAIN, TlsPriming.HOST + ": NXDOMAIN")),
            List.of(),
            OptionalInt.empty(),
            new Timings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), ms),
            OptionalLong.empty(),
            Optional.empty(),
            List.of(),
            Optional.empty());
    Report report = new Report(now, ms.multipliedBy(4), List.of(healthy, failed));
    MetricsPublisher emf =
        new MetricsPublisher(
            MetricsMode.EMF,
            NAMESPACE,
            () -> {
              throw new IllegalStateException("priming never calls CloudWatch");
            },
            NOWHERE,
            new Log(NOWHERE));
    Pipeline.Outcome outcome =
        new Pipeline.Outcome(
            report,
            true,
            Optional.of(emf.publish(report, Deadline.after(Duration.ofSeconds(1)))),
            Optional.empty());
    try (JsonGenerator json = Json.factory().createGenerator(Writer.nullWriter())) {
      ReportJson.write(outcome, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    new Log(NOWHERE).info("check finished", Map.of("healthy", report.healthy()));
  }
}
