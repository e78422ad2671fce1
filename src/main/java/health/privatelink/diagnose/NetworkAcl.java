package health.privatelink.diagnose;

import health.privatelink.config.Cidr;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A subnet's network ACL as DescribeNetworkAcls shows it, and the judgement of whether it lets a
 * TCP connection into an endpoint network interface of that subnet and its replies back out.
 *
 * <p>ACLs are stateless and ordered: for each packet the lowest-numbered entry of its direction
 * that matches decides, allow or deny, and a packet no entry matches is denied (the {@code *} rule,
 * number 32767). The endpoint's subnet sees the function's connection as inbound (to the target's
 * port, from the function's address) and the replies as outbound (to the function's ephemeral port,
 * 1024-65535 whatever its kernel picks). When the function's own address is unknown, only a deny
 * entry that covers every address of the family is blamed: an entry for a narrower block may not be
 * the function's.
 *
 * @param id {@code acl-...}
 * @param subnetIds the subnets it is associated with
 * @param entries its rules, both directions, in any order
 */
public record NetworkAcl(String id, List<String> subnetIds, List<Entry> entries) {
  /** The rule number of the default entry every ACL ends with. */
  public static final int DEFAULT_RULE = 32767;

  /** The ephemeral ports a client may reply to; AWS recommends ACLs allow all of them. */
  public static final int EPHEMERAL_FROM = 1024;

  public static final int EPHEMERAL_TO = 65535;

  public NetworkAcl {
    Objects.requireNonNull(id, "id");
    subnetIds = List.copyOf(subnetIds);
    entries = List.copyOf(entries);
  }

  /**
   * One entry.
   *
   * @param ruleNumber 1..32766, or {@link #DEFAULT_RULE}
   * @param egress whether it applies to traffic leaving the subnet
   * @param protocol {@code -1} for all, {@code 6} for TCP, or another protocol number
   * @param allow allow, else deny
   * @param cidr its IPv4 ({@code cidrBlock}) or IPv6 ({@code ipv6CidrBlock}) block
   * @param fromPort first port, for TCP and UDP; -1 when the entry gives none
   * @param toPort last port
   */
  public record Entry(
      int ruleNumber,
      boolean egress,
      String protocol,
      boolean allow,
      String cidr,
      int fromPort,
      int toPort) {
    public Entry {
      Objects.requireNonNull(protocol, "protocol");
      Objects.requireNonNull(cidr, "cidr");
    }

    /** How the rule reads in the console and in a sentence: its number, or {@code *}. */
    public String number() {
      return ruleNumber == DEFAULT_RULE ? "*" : Integer.toString(ruleNumber);
    }

    boolean tcp() {
      return protocol.equals("-1") || protocol.equals("6") || protocol.equalsIgnoreCase("tcp");
    }

    /** The entry's ports, all of them for protocol {@code -1} or when it gives none. */
    int low() {
      return protocol.equals("-1") || fromPort < 0 ? 0 : fromPort;
    }

    int high() {
      return protocol.equals("-1") || toPort < 0 ? 65535 : toPort;
    }
  }

  /**
   * What blocks the connection.
   *
   * @param egress whether it is the replies (out of the endpoint's subnet) that are denied
   * @param rule the deciding rule, {@code *} for the default
   */
  public record Block(boolean egress, String rule) {}

  /**
   * Whether this ACL blocks TCP to {@code port} on {@code endpoint} from {@code function}, or the
   * replies to the function's ephemeral ports; the inbound direction is judged first.
   *
   * @param function the function's address, when known
   * @param endpoint the endpoint network interface's address, whose family the function shares
   */
  public Optional<Block> judge(Optional<InetAddress> function, InetAddress endpoint, int port) {
    boolean v6 = endpoint instanceof Inet6Address;
    Optional<String> in = denying(false, function, v6, port, port);
    if (in.isPresent()) {
      return Optional.of(new Block(false, in.get()));
    }
    return denying(true, function, v6, EPHEMERAL_FROM, EPHEMERAL_TO)
        .map(rule -> new Block(true, rule));
  }

  /**
   * The rule that denies some port of {@code from..to} in one direction, or empty when every port
   * is allowed: walks the entries in order, each deciding the ports still undecided that it covers.
   */
  private Optional<String> denying(
      boolean egress, Optional<InetAddress> peer, boolean v6, int from, int to) {
    List<int[]> open = new ArrayList<>(List.of(new int[] {from, to}));
    List<Entry> ordered =
        entries.stream()
            .filter(e -> e.egress() == egress)
            .sorted(Comparator.comparingInt(Entry::ruleNumber))
            .toList();
    for (Entry e : ordered) {
      if (!e.tcp()) {
        continue;
      }
      Optional<Cidr> block = parse(e.cidr());
      if (block.isEmpty() || (block.get().network() instanceof Inet6Address) != v6) {
        continue;
      }
      boolean applies =
          peer.isPresent()
              ? block.get().contains(peer.get())
              : e.allow() || block.get().prefixLength() == 0;
      if (!applies) {
        continue;
      }
      List<int[]> left = new ArrayList<>();
      boolean decidedSome = false;
      for (int[] range : open) {
        int lo = Math.max(range[0], e.low());
        int hi = Math.min(range[1], e.high());
        if (lo > hi) {
          left.add(range);
          continue;
        }
        decidedSome = true;
        if (range[0] < lo) {
          left.add(new int[] {range[0], lo - 1});
        }
        if (hi < range[1]) {
          left.add(new int[] {hi + 1, range[1]});
        }
      }
      if (decidedSome && !e.allow()) {
        return Optional.of(e.number());
      }
      open = left;
      if (open.isEmpty()) {
        return Optional.empty();
      }
    }
    return Optional.of("*");
  }

  private static Optional<Cidr> parse(String block) {
    try {
      return Optional.of(Cidr.parse(block));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
