package health.privatelink.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * The floor of a warm run: the slowest address's own latency as curl sees it when, like the
 * checker, it asks every address of every target at once ({@code curl --parallel}: a fresh connect,
 * TLS handshake, request and answer each, the server's handshake work included); median over 15
 * rounds of the slowest transfer. Without curl, the server's configured delay stands in, and the
 * figure says so.
 *
 * @param millis the slowest address's own latency, in milliseconds
 * @param byCurl false when curl was not found and the configured delay stands in
 */
record Reference(double millis, boolean byCurl) {
  private static final int ROUNDS = 15;

  static Reference measure(Servers servers, Path work, long configuredMillis)
      throws IOException, InterruptedException, GeneralSecurityException {
    Path ca = servers.writeCaPem(work.resolve("ca.pem"));
    int port = servers.targetPort();
    List<String> command =
        new ArrayList<>(
            List.of(
                "curl",
                "-s",
                "--no-progress-meter",
                "--parallel",
                "--parallel-immediate",
                "--cacert",
                ca.toString()));
    // Every address of both targets at once, as the checker asks them: one name per address.
    for (int i = 0; i < Servers.REFERENCE_HOSTS.size(); i++) {
      String host = Servers.REFERENCE_HOSTS.get(i);
      String address = Servers.ADDRESSES.get(i % Servers.ADDRESSES.size());
      command.addAll(
          List.of(
              "--resolve",
              host + ":" + port + ":" + address,
              "-o",
              "/dev/null",
              "-w",
              "%{time_total}\\n",
              "https://" + host + ":" + port + "/api/health"));
    }
    List<Double> slowest = new ArrayList<>();
    for (int i = 0; i < ROUNDS; i++) {
      Process curl;
      try {
        curl = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      } catch (IOException noCurl) {
        return new Reference(configuredMillis, false);
      }
      String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (curl.waitFor() != 0) {
        throw new IOException("curl failed against the target server: " + out);
      }
      slowest.add(
          out.lines()
                  .filter(l -> !l.isBlank())
                  .mapToDouble(l -> Double.parseDouble(l.trim()))
                  .max()
                  .orElseThrow()
              * 1000);
    }
    return new Reference(Stats.median(slowest), true);
  }
}
