package health.privatelink.dns;

import health.privatelink.Addresses;
import health.privatelink.Background;
import health.privatelink.Deadline;
import health.privatelink.Failure;
import health.privatelink.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * Resolves a host with fresh A queries of its own, never from a cache, and tells every way the
 * lookup can fail apart.
 */
public final class DnsResolver {

  /** Real chains are one or two hops; anything longer is a loop or a misconfigured zone. */
  private static final int MAX_CNAME_HOPS = 8;

  /** As glibc's default {@code attempts:2}: one lost datagram must not read as an outage. */
  private static final int TRIES_PER_SERVER = 2;

  /**
   * Replies are parsed on a virtual thread of their own: not on dnsjava's single selector thread,
   * and not on the common pool, which has one thread on a two-core Lambda.
   */
  private static final Executor PARSING = Background.virtualThreads("dns-reply");

  /** The resolvers DNS_SERVERS named; empty for the system's. */
  private final List<InetSocketAddress> configured;

  /**
   * servers: the resolvers to ask (from DNS_SERVERS, names already looked up by the wiring); empty:
   * the system's, from /etc/resolv.conf via dnsjava's ResolverConfig, read at each lookup from
   * dnsjava's cached copy, so that {@link ResolverConfig#refresh()} (after a SnapStart restore)
   * reaches every resolver.
   */
  public DnsResolver(List<InetSocketAddress> servers) {
    for (InetSocketAddress server : servers) {
      if (server.isUnresolved()) {
        throw new IllegalArgumentException("resolver " + server + " was not looked up");
      }
    }
    this.configured = List.copyOf(servers);
  }

  private List<InetSocketAddress> servers() {
    return configured.isEmpty()
        ? List.copyOf(ResolverConfig.getCurrentConfig().servers())
        : configured;
  }

  /**
   * One fresh A query for host (no cache anywhere: not dnsjava's Lookup cache, not the JVM's
   * InetAddress cache), answered or classified by the deadline. Never throws for network problems.
   */
  public Resolution resolve(String host, Deadline deadline) {
    Optional<InetAddress> literal = Addresses.literal(host);
    if (literal.isPresent()) {
      return new Resolution.Resolved(List.of(address(host, literal.get().getAddress())));
    }
    Name start;
    try {
      start = Name.fromString(host, Name.root);
    } catch (TextParseException e) {
      return failed(Reason.DNS_ERROR, host + ": not a valid DNS name (" + e.getMessage() + ")");
    }
    Name name = start;
    int hops = 0;
    while (true) {
      switch (ask(name, deadline)) {
        case Unanswered unanswered -> {
          return failed(unanswered.reason(), label(host, start, name) + ": " + unanswered.detail());
        }
        case Answered answered -> {
          List<Record> answer = answered.reply().getSection(Section.ANSWER);
          String from = " from " + format(answered.server());
          Name end = name;
          List<InetAddress> found = addresses(answer, end, host);
          Optional<Name> next = cname(answer, end);
          while (found.isEmpty() && next.isPresent()) {
            if (++hops > MAX_CNAME_HOPS) {
              return failed(
                  Reason.DNS_ERROR,
                  label(host, start, end) + ": more than " + MAX_CNAME_HOPS + " CNAMEs" + from);
            }
            end = next.get();
            found = addresses(answer, end, host);
            next = cname(answer, end);
          }
          if (answered.reply().getRcode() == Rcode.NXDOMAIN) {
            return failed(Reason.NXDOMAIN, label(host, start, end) + ": NXDOMAIN" + from);
          }
          if (!found.isEmpty()) {
            return new Resolution.Resolved(found);
          }
          if (end.equals(name)) {
            return failed(
                Reason.DNS_NODATA, label(host, start, end) + ": no A record (NOERROR)" + from);
          }
          // The answer stopped at a CNAME target without its address: ask for the target itself.
          name = end;
        }
      }
    }
  }

  /**
   * Asks the servers in turn, each try with an equal share of the time left, until one gives an
   * answer that settles the question (NOERROR or NXDOMAIN).
   */
  private Exchange ask(Name name, Deadline deadline) {
    List<InetSocketAddress> servers = servers();
    Troubles troubles = new Troubles();
    int tries = servers.size() * TRIES_PER_SERVER;
    for (int i = 0; i < tries && !deadline.expired(); i++) {
      InetSocketAddress server = servers.get(i % servers.size());
      switch (send(name, server, deadline.remaining().dividedBy(tries - i))) {
        case Reply reply when settles(reply.message().getRcode()) -> {
          return new Answered(reply.message(), server);
        }
        case Reply reply ->
            troubles.add(server, new BadReply(Rcode.string(reply.message().getRcode())));
        case Trouble trouble -> troubles.add(server, trouble);
      }
    }
    return troubles.unanswered(servers);
  }

  private static boolean settles(int rcode) {
    return rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN;
  }

  private static Attempt send(Name name, InetSocketAddress server, Duration budget) {
    // A resolver per query: its settings are mutable, and its timeout is this query's budget, so
    // dnsjava closes the socket by then even when nobody waits for the reply any more.
    SimpleResolver resolver = new SimpleResolver(server);
    resolver.setTimeout(budget);
    Message query = Message.newQuery(Record.newRecord(name, Type.A, DClass.IN));
    long started = System.nanoTime();
    CompletableFuture<Message> reply = resolver.sendAsync(query, PARSING).toCompletableFuture();
    try {
      return new Reply(reply.get(budget.toNanos(), TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return classify(e, Duration.ofNanos(System.nanoTime() - started));
    } catch (ExecutionException | TimeoutException e) {
      return classify(e, Duration.ofNanos(System.nanoTime() - started));
    } finally {
      reply.cancel(false);
    }
  }

  /** The one place that reads what went wrong with a query, from the cause chain dnsjava built. */
  static Trouble classify(Throwable thrown, Duration waited) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      switch (t) {
        case TimeoutException e -> {
          return new Silent(waited);
        }
        case SocketTimeoutException e -> {
          return new Silent(waited);
        }
        case InterruptedException e -> {
          return new Silent(waited);
        }
        case PortUnreachableException e -> {
          return new Unreachable("ICMP port unreachable");
        }
        case ConnectException e -> {
          return new Unreachable("TCP connect: " + e.getMessage());
        }
        case WireParseException e
            when String.valueOf(e.getMessage()).startsWith("invalid message id") -> {
          // The IDs themselves mean nothing to a reader, and would differ on every try.
          return new BadReply("reply with a wrong query ID");
        }
        case WireParseException e -> {
          return new BadReply("malformed reply (" + e.getMessage() + ")");
        }
        case EOFException e -> {
          return new Unreachable("connection closed before an answer");
        }
        case IOException e -> {
          return new Unreachable(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        default -> {
          // ExecutionException and CompletionException only carry the cause.
        }
      }
    }
    // dnsjava failed in a way it does not declare, reading a reply no server should send.
    Throwable root = thrown;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return new BadReply("unreadable reply (" + root + ")");
  }

  private static List<InetAddress> addresses(List<Record> answer, Name owner, String host) {
    return answer.stream()
        .filter(r -> r.getType() == Type.A && r.getDClass() == DClass.IN)
        .filter(r -> r.getName().equals(owner))
        .map(r -> address(host, ((ARecord) r).getAddress().getAddress()))
        .distinct()
        .toList();
  }

  private static Optional<Name> cname(List<Record> answer, Name owner) {
    return answer.stream()
        .filter(r -> r.getType() == Type.CNAME && r.getName().equals(owner))
        .map(r -> ((CNAMERecord) r).getTarget())
        .findFirst();
  }

  /**
   * The address carries the host's name so that nothing downstream (TLS, logging) reaches for a
   * reverse lookup to name it.
   */
  private static InetAddress address(String host, byte[] bytes) {
    try {
      return InetAddress.getByAddress(host, bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
    }
  }

  private static String label(String host, Name start, Name end) {
    return end.equals(start) ? host : host + " (CNAME to " + end.toString(true) + ")";
  }

  static String format(InetSocketAddress server) {
    return server.getAddress() == null
        ? Addresses.hostPort(server.getHostString(), server.getPort())
        : Addresses.hostPort(server.getAddress(), server.getPort());
  }

  private static Resolution failed(Reason reason, String detail) {
    return new Resolution.Failed(new Failure(reason, detail));
  }

  /** What asking the servers about one name came to. */
  private sealed interface Exchange {}

  /** A server settled the question, with NOERROR or NXDOMAIN. */
  private record Answered(Message reply, InetSocketAddress server) implements Exchange {}

  /** No server settled it; detail names each server and what it did. */
  private record Unanswered(Reason reason, String detail) implements Exchange {}

  /** What one query to one server came to. */
  sealed interface Attempt {}

  record Reply(Message message) implements Attempt {}

  /** A query that brought no usable reply. */
  sealed interface Trouble extends Attempt {}

  /** The server replied, but with an error rcode or bytes that are not a usable reply. */
  record BadReply(String what) implements Trouble {}

  /** The server could not be reached at all. */
  record Unreachable(String why) implements Trouble {}

  /** Nothing came back in the time given. */
  record Silent(Duration waited) implements Trouble {}

  /** Every server's troubles with one name, so the detail names each resolver asked. */
  private static final class Troubles {
    private final Map<InetSocketAddress, Set<String>> notes = new LinkedHashMap<>();
    private final Map<InetSocketAddress, Duration> silence = new LinkedHashMap<>();
    private boolean replied;

    void add(InetSocketAddress server, Trouble trouble) {
      String at = format(server);
      switch (trouble) {
        case BadReply bad -> {
          replied = true;
          note(server, bad.what() + " from " + at);
        }
        case Unreachable unreachable ->
            note(server, at + " unreachable (" + unreachable.why() + ")");
        case Silent silent -> silence.merge(server, silent.waited(), Duration::plus);
      }
    }

    private void note(InetSocketAddress server, String note) {
      notes.computeIfAbsent(server, s -> new LinkedHashSet<>()).add(note);
    }

    /** An answer from any server, even an error, says more than silence: it decides the reason. */
    Unanswered unanswered(List<InetSocketAddress> servers) {
      List<String> parts = new ArrayList<>();
      for (InetSocketAddress server : servers.stream().distinct().toList()) {
        parts.addAll(notes.getOrDefault(server, Set.of()));
        Duration waited = silence.get(server);
        if (waited != null) {
          // Rounded: the shares of a 2000 ms budget add up to 1999.9 ms, which reads as a bug.
          long millis = (waited.toNanos() + 500_000) / 1_000_000;
          parts.add("no answer from " + format(server) + " within " + millis + " ms");
        }
      }
      if (parts.isEmpty()) {
        parts.add(
            "no time left to ask "
                + String.join(", ", servers.stream().map(DnsResolver::format).toList()));
      }
      return new Unanswered(
          replied ? Reason.DNS_ERROR : Reason.DNS_TIMEOUT, String.join("; ", parts));
    }
  }
}
