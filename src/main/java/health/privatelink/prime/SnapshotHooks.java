package health.privatelink.prime;

import health.privatelink.run.Pipeline;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.xbill.DNS.ResolverConfig;

/**
 * SnapStart's checkpoint and restore hooks. Before the snapshot, the run's code paths are primed
 * (as at every init), so restored copies start with them loaded. After a restore, what the snapshot
 * must not hand to every copy is renewed: the system's resolver configuration is read again (a copy
 * may run where {@code /etc/resolv.conf} says otherwise; DNS_SERVERS, when set, stays as
 * configured), and the next run is a cold start again.
 *
 * <p>Random state needs nothing here: nothing of this function keeps a seeded generator, and the
 * JDK's {@code SecureRandom} on Linux (NativePRNG, as TLS and dnsjava's query IDs use it) mixes
 * fresh {@code /dev/urandom} bytes into every output; Lambda documents its Java runtimes' {@code
 * SecureRandom} as restore-safe. Nothing time-based is kept either: deadlines are taken per run,
 * and the priming's TLS sessions are invalidated before the snapshot.
 */
public final class SnapshotHooks implements Resource {
  private final Pipeline pipeline;

  public SnapshotHooks(Pipeline pipeline) {
    this.pipeline = pipeline;
  }

  /**
   * Registers the hooks with the JVM's global context. The context holds them weakly, so the caller
   * keeps the returned object as long as the function lives.
   */
  public static SnapshotHooks register(Pipeline pipeline) {
    SnapshotHooks hooks = new SnapshotHooks(pipeline);
    Core.getGlobalContext().register(hooks);
    return hooks;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    Primer.prime();
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    ResolverConfig.refresh();
    pipeline.coldStartAgain();
  }
}
