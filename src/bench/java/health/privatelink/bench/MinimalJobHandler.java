package health.privatelink.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The job's own floor: only what no checker can skip. HTTPS GETs at once, each on a fresh
 * connection with a verified TLS handshake (the JVM's trust store, host name checked), to the
 * addresses given in MINIMAL_TARGETS ("host:port:address,..."): no DNS library, no metrics, no
 * alerts, no report beyond the status codes. Run under the same runtime client and flags as the
 * function.
 */
public final class MinimalJobHandler implements RequestStreamHandler {
  private final List<String[]> targets = new ArrayList<>();

  public MinimalJobHandler() {
    for (String target : System.getenv("MINIMAL_TARGETS").split(",")) {
      targets.add(target.split(":"));
    }
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    input.readAllBytes();
    StringBuilder statuses = new StringBuilder("{\"statuses\":[");
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> answers = new ArrayList<>();
      for (String[] t : targets) {
        answers.add(pool.submit(() -> get(t[0], Integer.parseInt(t[1]), t[2])));
      }
      for (int i = 0; i < answers.size(); i++) {
        String status = answers.get(i).get();
        if (!status.startsWith("HTTP/1.1 200")) {
          throw new IOException("not 200: " + status);
        }
        statuses.append(i == 0 ? "" : ",").append('"').append(status).append('"');
      }
    } catch (InterruptedException | ExecutionException e) {
      throw new IOException(e);
    }
    output.write(statuses.append("]}").toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String get(String host, int port, String address) throws IOException {
    try (Socket tcp = new Socket()) {
      tcp.connect(new InetSocketAddress(address, port), 5000);
      tcp.setSoTimeout(5000);
      SSLSocketFactory factory = (SSLSocketFactory) SSLSocketFactory.getDefault();
      try (SSLSocket tls = (SSLSocket) factory.createSocket(tcp, host, port, true)) {
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        OutputStream out = tls.getOutputStream();
        out.write(
            ("GET /health HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = tls.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
          line.append((char) c);
        }
        return line.toString();
      }
    }
  }
}
