package health.privatelink.bench;

import java.util.List;
import java.util.Map;

/**
 * One kind of process the runtime interface client runs: a floor (do-nothing, minimal job) or the
 * function.
 *
 * @param name "floor", "minimal-job" or "function", for the logs and the results
 * @param classpath the jars the runtime interface client loads the handler from
 * @param handler the handler, as Lambda's _HANDLER names it
 * @param env the function's configuration, over the runtime's own environment
 * @param extraFlags JVM flags beyond Lambda's
 * @param reportsHealth true when the handler answers with a report whose "healthy" must be true
 */
record Launch(
    String name,
    List<String> classpath,
    String handler,
    Map<String, String> env,
    List<String> extraFlags,
    boolean reportsHealth) {
  Launch {
    classpath = List.copyOf(classpath);
    env = Map.copyOf(env);
    extraFlags = List.copyOf(extraFlags);
  }
}
