package health.privatelink.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * moto's server mode ({@code pip install 'moto[server]'}) on a free loopback port: DynamoDB with
 * real conditional-write semantics, reached by the real SDK client. Starting fails loudly when
 * {@code moto_server} is missing or does not come up; tests never skip silently.
 */
public final class MotoServer implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final Process process;
  private final Path logFile;
  private final int port;

  private MotoServer(Process process, Path logFile, int port) {
    this.process = process;
    this.logFile = logFile;
    this.port = port;
  }

  public static MotoServer start() throws IOException, InterruptedException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path logFile = Files.createTempFile("moto-server-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IOException(
          "cannot start moto_server (install it with: pip install 'moto[server]')", e);
    }
    MotoServer server = new MotoServer(process, logFile, port);
    server.awaitReady();
    return server;
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  private void awaitReady() throws IOException, InterruptedException {
    long until = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < until) {
      if (!process.isAlive()) {
        throw new IOException(
            "moto_server exited with " + process.exitValue() + ": " + Files.readString(logFile));
      }
      try {
        HttpURLConnection connection =
            (HttpURLConnection) uri().resolve("/moto-api/").toURL().openConnection();
        connection.setConnectTimeout(500);
        connection.setReadTimeout(2_000);
        int status = connection.getResponseCode();
        connection.disconnect();
        if (status < 500) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(100);
    }
    close();
    throw new IOException(
        "moto_server did not answer on "
            + uri()
            + " within "
            + STARTUP
            + ": "
            + Files.readString(logFile));
  }

  @Override
  public void close() {
    // The pyenv shim may leave moto's Python as a child: end it as well as the process started.
    process.descendants().forEach(ProcessHandle::destroy);
    Processes.stop(process);
  }
}
