package health.privatelink.bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import health.privatelink.testing.RuntimeApiServer;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * Starts the floors and the packaged function under the real runtime interface client, the way
 * Lambda's Java runtime starts a function: its JVM flags, its environment, a log per process.
 */
final class Launcher {
  private static final String HANDLER = "health.privatelink.lambda.Handler::handleRequest";
  private static final String RUNTIME_CLIENT =
      "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

  private final Settings settings;
  private final Template template;
  private final Path work;
  private final Path runtimeJars;
  private final Path trustStore;
  private int logCounter;

  Launcher(Settings settings, Template template, Path work, Path runtimeJars, Path trustStore) {
    this.settings = settings;
    this.template = template;
    this.work = work;
    this.runtimeJars = runtimeJars;
    this.trustStore = trustStore;
  }

  /** The do-nothing handler in a jar of its own, beside the Lambda core and the runtime client. */
  Launch floor() throws IOException, URISyntaxException {
    return bare("floor", NoopHandler.class, Map.of());
  }

  /**
   * The job's own floor: HTTPS GETs at once with verified TLS and nothing else, in a jar of its own
   * like the do-nothing handler, at these "host:port:address" targets.
   */
  Launch minimalJob(String name, String targets) throws IOException, URISyntaxException {
    return bare(name, MinimalJobHandler.class, Map.of("MINIMAL_TARGETS", targets));
  }

  private Launch bare(String name, Class<?> handler, Map<String, String> env)
      throws IOException, URISyntaxException {
    String classFile = handler.getName().replace('.', '/') + ".class";
    Path jar = work.resolve(name + ".jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        InputStream in = handler.getResourceAsStream("/" + classFile)) {
      out.putNextEntry(new JarEntry(classFile));
      in.transferTo(out);
      out.closeEntry();
    }
    Path core =
        Path.of(
            RequestStreamHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return new Launch(
        name,
        List.of(jar.toString(), core.toString(), runtimeJars.resolve("*").toString()),
        handler.getName() + "::handleRequest",
        env,
        List.of(),
        false);
  }

  /**
   * The packaged function with this configuration, then template.yaml's JAVA_TOOL_OPTIONS, then the
   * settings BENCH_FUNCTION_ENV adds (which win).
   */
  Launch function(Map<String, String> configuration) {
    Map<String, String> env = new LinkedHashMap<>(configuration);
    template.javaToolOptions().ifPresent(o -> env.put("JAVA_TOOL_OPTIONS", o));
    env.putAll(settings.extraFunctionEnv());
    return new Launch(
        "function",
        List.of(settings.jar().toString(), runtimeJars.resolve("*").toString()),
        HANDLER,
        env,
        settings.extraFunctionFlags(),
        true);
  }

  /**
   * The flags of Lambda's Java runtime at this memory size: heap, metaspace and code cache as
   * fractions of the memory (85, 10, 5 percent), the serial collector, C1 only, class data sharing.
   */
  List<String> lambdaFlags() {
    long kb = template.memoryMb() * 1024L;
    return List.of(
        "-XX:MaxHeapSize=" + Math.round(kb * 0.85) + "k",
        "-XX:MaxMetaspaceSize=" + Math.round(kb * 0.10) + "k",
        "-XX:ReservedCodeCacheSize=" + Math.round(kb * 0.05) + "k",
        "-XX:+UseSerialGC",
        "-XX:+TieredCompilation",
        "-XX:TieredStopAtLevel=1",
        "-Xshare:auto",
        "-Djava.net.preferIPv4Stack=true");
  }

  /**
   * Starts the process against this Runtime API, its output in the log. The caller's own AWS_*,
   * BENCH_* and JAVA_TOOL_OPTIONS stay out of its environment.
   */
  Process start(Launch launch, RuntimeApiServer runtime, Path log) throws IOException {
    String java = settings.functionJavaHome().resolve("bin").resolve("java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(lambdaFlags());
    command.addAll(launch.extraFlags());
    command.add("-Djavax.net.ssl.trustStore=" + trustStore.toAbsolutePath());
    command.add("-Djavax.net.ssl.trustStoreType=PKCS12");
    command.add("-cp");
    command.add(String.join(File.pathSeparator, launch.classpath()));
    command.add(RUNTIME_CLIENT);
    command.add(launch.handler());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("BENCH_"));
    environment.remove("JAVA_TOOL_OPTIONS");
    environment.putAll(runtime.functionEnvironment(launch.handler(), template.memoryMb()));
    environment.putAll(launch.env());
    return builder.start();
  }

  /** A new log file, numbered in the order the processes start. */
  Path newLog(String name) {
    return work.resolve("logs")
        .resolve(String.format(Locale.ROOT, "%03d-%s.log", ++logCounter, name));
  }
}
