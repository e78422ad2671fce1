package health.privatelink.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A DNS server on loopback for tests: speaks the wire protocol over UDP and TCP on one port of
 * 127.0.0.1 and answers each query name the way the test programmed it.
 *
 * <pre>{@code
 * try (DnsTestServer dns = DnsTestServer.start()) {
 *   dns.on("api.example.com").cname("lb.example.com");
 *   dns.on("lb.example.com").a("10.0.1.23", "10.0.2.34");
 *   dns.on("gone.example.com").nxdomain();
 *   dns.on("slow.example.com").delay(Duration.ofSeconds(3)).a("10.0.0.1");
 *   dns.on("big.example.com").truncateOverUdp().a("10.0.0.2");
 *   var resolver = new DnsResolver(List.of(dns.address()));
 *   ...
 *   assertEquals(1, dns.queries("api.example.com").size());
 * }
 * }</pre>
 *
 * <p>A name nobody programmed answers NXDOMAIN. Programming a name again replaces its rule, so a
 * test can change the answer between two lookups. Rules apply to queries of any type, but only A
 * queries get A records; other types get the same rcode with no records.
 */
public final class DnsTestServer implements AutoCloseable {

  /** How a query reached the server. */
  public enum Transport {
    UDP,
    TCP
  }

  /** One query as the server received it; the name without the trailing dot. */
  public record Query(String name, int type, Transport transport) {}

  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<Name, Rule> rules = new ConcurrentHashMap<>();
  private final List<Query> received = new CopyOnWriteArrayList<>();
  private final List<Socket> connections = new CopyOnWriteArrayList<>();

  private DnsTestServer(DatagramSocket udp, ServerSocket tcp) {
    this.udp = udp;
    this.tcp = tcp;
    threads.execute(this::serveUdp);
    threads.execute(this::serveTcp);
  }

  /** As {@link #start()}, for a test's field initializer: a failure to listen is unchecked. */
  public static DnsTestServer started() {
    try {
      return start();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Listens on an ephemeral port of 127.0.0.1, the same number for UDP and TCP. */
  public static DnsTestServer start() throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    IOException last = null;
    // The UDP port the kernel picks may be taken for TCP; a few tries find one free for both.
    for (int i = 0; i < 20; i++) {
      DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
      try {
        ServerSocket tcp = new ServerSocket();
        tcp.bind(new InetSocketAddress(loopback, udp.getLocalPort()));
        return new DnsTestServer(udp, tcp);
      } catch (IOException e) {
        udp.close();
        last = e;
      }
    }
    throw last;
  }

  /** Where to send queries, for UDP and TCP alike. */
  public InetSocketAddress address() {
    return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
  }

  /** Starts a new rule for queries of {@code name}, replacing any earlier one. */
  public Rule on(String name) {
    Rule rule = new Rule();
    rules.put(absolute(name), rule);
    return rule;
  }

  /** Every query received so far, in arrival order. */
  public List<Query> queries() {
    return List.copyOf(received);
  }

  /** The queries received so far for {@code name} (any letter case, with or without the dot). */
  public List<Query> queries(String name) {
    Name wanted = absolute(name);
    return received.stream().filter(q -> absolute(q.name()).equals(wanted)).toList();
  }

  @Override
  public void close() {
    udp.close();
    try {
      tcp.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Socket connection : connections) {
      try {
        connection.close();
      } catch (IOException e) {
        // Already gone: nothing left to release.
      }
    }
    threads.shutdownNow();
  }

  /**
   * How the server answers one name: at most one content method ({@link #a}, {@link #cname}, {@link
   * #cnameOnly}, {@link #nxdomain}, {@link #nodata}, {@link #rcode}, {@link #drop}, {@link
   * #malformed}) and any of the modifiers ({@link #delay}, {@link #truncateOverUdp}, {@link
   * #wrongId}). A rule with no content method answers NOERROR with no records.
   */
  public static final class Rule {
    private volatile List<InetAddress> addresses = List.of();
    private volatile Name cname;
    private volatile boolean chase;
    private volatile int rcode = Rcode.NOERROR;
    private volatile boolean drop;
    private volatile boolean malformed;
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean truncateOverUdp;
    private volatile boolean wrongId;

    private Rule() {}

    /** Answers with A records of these IPv4 addresses, in this order. */
    public Rule a(String... addresses) {
      this.addresses = Arrays.stream(addresses).map(DnsTestServer::literal).toList();
      return this;
    }

    /**
     * Answers with a CNAME to {@code target} followed by whatever the server's rules give for the
     * target (its A records or its further CNAMEs), as a recursive resolver does; the rcode is the
     * chain end's (NXDOMAIN when the end is NXDOMAIN).
     */
    public Rule cname(String target) {
      this.cname = absolute(target);
      this.chase = true;
      return this;
    }

    /** Answers with the CNAME record alone, so the client must ask for {@code target} itself. */
    public Rule cnameOnly(String target) {
      this.cname = absolute(target);
      this.chase = false;
      return this;
    }

    /** The name does not exist. */
    public Rule nxdomain() {
      return rcode(Rcode.NXDOMAIN);
    }

    /** NOERROR with no records: the name exists but has no address. */
    public Rule nodata() {
      return rcode(Rcode.NOERROR);
    }

    /**
     * Replies with this rcode (an {@link Rcode} constant, as SERVFAIL or REFUSED) and no records.
     */
    public Rule rcode(int rcode) {
      this.rcode = rcode;
      return this;
    }

    /** Never replies, over UDP or TCP (the TCP connection stays open). */
    public Rule drop() {
      this.drop = true;
      return this;
    }

    /** Replies with a valid header that promises an A record, cut off in the middle of it. */
    public Rule malformed() {
      this.malformed = true;
      return this;
    }

    /** Waits this long before replying; other queries are served meanwhile. */
    public Rule delay(Duration delay) {
      this.delay = delay;
      return this;
    }

    /** Over UDP replies with the TC bit and no records; over TCP replies in full. */
    public Rule truncateOverUdp() {
      this.truncateOverUdp = true;
      return this;
    }

    /** Replies with an ID that is not the query's. */
    public Rule wrongId() {
      this.wrongId = true;
      return this;
    }
  }

  private void serveUdp() {
    byte[] buffer = new byte[65535];
    while (!udp.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(packet);
      } catch (IOException e) {
        return; // closed
      }
      byte[] query = Arrays.copyOf(packet.getData(), packet.getLength());
      InetSocketAddress client = (InetSocketAddress) packet.getSocketAddress();
      threads.execute(() -> {
        byte[] reply = reply(query, Transport.UDP);
        if (reply != null) {
          try {
            udp.send(new DatagramPacket(reply, reply.length, client));
          } catch (IOException e) {
            // The server closed meanwhile: the reply has nowhere to go.
          }
        }
      });
    }
  }

  private void serveTcp() {
    while (!tcp.isClosed()) {
      Socket connection;
      try {
        connection = tcp.accept();
      } catch (IOException e) {
        return; // closed
      }
      connections.add(connection);
      threads.execute(() -> serveConnection(connection));
    }
  }

  /** Reads length-prefixed queries until the client hangs up; replies may come out of order. */
  private void serveConnection(Socket connection) {
    try (connection) {
      DataInputStream in = new DataInputStream(connection.getInputStream());
      OutputStream out = connection.getOutputStream();
      while (true) {
        byte[] query = new byte[in.readUnsignedShort()];
        in.readFully(query);
        threads.execute(() -> {
          byte[] reply = reply(query, Transport.TCP);
          if (reply != null) {
            writeFramed(out, reply);
          }
        });
      }
    } catch (EOFException | SocketException e) {
      // The client hung up or the server closed.
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeFramed(OutputStream out, byte[] reply) {
    synchronized (out) {
      try {
        DataOutputStream data = new DataOutputStream(out);
        data.writeShort(reply.length);
        data.write(reply);
        data.flush();
      } catch (IOException e) {
        // The client hung up before the reply.
      }
    }
  }

  /** The reply's bytes, or null for no reply. */
  private byte[] reply(byte[] bytes, Transport transport) {
    Message query;
    try {
      query = new Message(bytes);
    } catch (IOException e) {
      return null; // not DNS: a real server drops it too
    }
    Record question = query.getQuestion();
    if (question == null) {
      return null;
    }
    received.add(new Query(question.getName().toString(true), question.getType(), transport));
    Rule rule = rules.get(question.getName());
    if (rule != null && rule.drop) {
      return null;
    }
    if (rule != null && !rule.delay.isZero()) {
      try {
        Thread.sleep(rule.delay);
      } catch (InterruptedException e) {
        return null; // the server is closing
      }
    }

    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setFlag(Flags.RA);
    if (query.getHeader().getFlag(Flags.RD)) {
      response.getHeader().setFlag(Flags.RD);
    }
    response.addRecord(question, Section.QUESTION);
    if (rule != null && rule.wrongId) {
      response.getHeader().setID((query.getHeader().getID() + 1) & 0xffff);
    }
    if (rule != null && rule.malformed) {
      response.addRecord(
          new ARecord(question.getName(), DClass.IN, 60, literal("192.0.2.1")), Section.ANSWER);
      byte[] whole = response.toWire();
      return Arrays.copyOf(whole, whole.length - 2);
    }
    if (rule != null && rule.truncateOverUdp && transport == Transport.UDP) {
      response.getHeader().setFlag(Flags.TC);
      return response.toWire();
    }
    response.getHeader().setRcode(answer(question.getName(), question.getType(), response));
    return response.toWire();
  }

  /** Adds name's records to the answer section, following chasing CNAMEs; returns the rcode. */
  private int answer(Name name, int type, Message response) {
    Name current = name;
    List<Name> seen = new ArrayList<>();
    while (true) {
      Rule rule = rules.get(current);
      if (rule == null) {
        return Rcode.NXDOMAIN;
      }
      if (rule.cname != null) {
        response.addRecord(new CNAMERecord(current, DClass.IN, 60, rule.cname), Section.ANSWER);
        seen.add(current);
        // A loop in the programmed chain is sent as it is, once round.
        if (!rule.chase || seen.contains(rule.cname)) {
          return Rcode.NOERROR;
        }
        current = rule.cname;
        continue;
      }
      if (type == Type.A) {
        for (InetAddress address : rule.addresses) {
          response.addRecord(new ARecord(current, DClass.IN, 60, address), Section.ANSWER);
        }
      }
      return rule.rcode;
    }
  }

  private static Name absolute(String name) {
    try {
      return Name.fromString(name, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("not a DNS name: " + name, e);
    }
  }

  private static InetAddress literal(String address) {
    byte[] bytes = Address.toByteArray(address, Address.IPv4);
    if (bytes == null) {
      throw new IllegalArgumentException("an A record needs an IPv4 address, got " + address);
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
