package health.privatelink.prime;

import health.privatelink.probe.HttpResponseReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * One TLS handshake and one HTTP exchange between two {@link SSLEngine}s in memory: the probe's
 * client side (SNI, {@code HTTPS} host-name verification, PKIX path validation, the JVM's TLS
 * provider and protocols) run once before the first real handshake, so that handshake is timed at
 * the network's speed rather than at class loading's.
 *
 * <p>The certificates are a CA and a leaf for {@value #HOST}, shipped for this use only (the JDK
 * has no public API to make a certificate). They are trusted by a trust manager made here for this
 * handshake alone; the JVM's trust store and default context never see them.
 */
final class TlsPriming {
  static final String HOST = "priming.invalid";
  private static final String RESOURCE = "priming.pem";
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");
  private static final String RESPONSE =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n"
          + "Connection: close\r\n\r\n{\"status\":\"ok\"}";

  private TlsPriming() {}

  /**
   * Handshakes in memory with the given provider's TLS and reads a made-up answer through the
   * probe's parser.
   *
   * @param provider the provider of the context the probe uses, so the same implementation loads
   */
  static void handshake(java.security.Provider provider) {
    try {
      Identity identity = identity();
      SSLContext client = SSLContext.getInstance("TLS", provider);
      client.init(null, trustOnly(identity.ca()).getTrustManagers(), null);
      SSLContext server = SSLContext.getInstance("TLS", provider);
      server.init(keys(identity).getKeyManagers(), null, null);

      SSLEngine clientEngine = client.createSSLEngine(HOST, 443);
      clientEngine.setUseClientMode(true);
      SSLParameters parameters = clientEngine.getSSLParameters();
      // As the probe sets them: these choose the code that checks the server.
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      parameters.setServerNames(List.of(new SNIHostName(HOST)));
      parameters.setApplicationProtocols(new String[] {"http/1.1"});
      clientEngine.setSSLParameters(parameters);
      SSLEngine serverEngine = server.createSSLEngine();
      serverEngine.setUseClientMode(false);
      SSLParameters serverParameters = serverEngine.getSSLParameters();
      serverParameters.setApplicationProtocols(new String[] {"http/1.1"});
      serverEngine.setSSLParameters(serverParameters);

      Pair pair = new Pair(clientEngine, serverEngine);
      pair.handshake();
      ByteBuffer answer = pair.exchange("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n", RESPONSE);
      InputStream plain =
          new ByteArrayInputStream(answer.array(), answer.arrayOffset(), answer.remaining());
      HttpResponseReader reader = new HttpResponseReader(plain);
      HttpResponseReader.Head head = reader.readHead();
      if (head.status() != 200 || !reader.scanBody(head, "ok").found()) {
        throw new IllegalStateException("the priming exchange read " + head);
      }
      // Nothing of this handshake may be resumed by anything.
      clientEngine.getSession().invalidate();
      serverEngine.getSession().invalidate();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("priming TLS: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("priming TLS", e);
    }
  }

  /** The shipped CA, the leaf it signed and the leaf's key. */
  record Identity(X509Certificate ca, X509Certificate leaf, PrivateKey key) {}

  static Identity identity() throws GeneralSecurityException, IOException {
    String text;
    try (InputStream in = TlsPriming.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the build");
      }
      text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
    List<X509Certificate> certificates = new ArrayList<>();
    PrivateKey key = null;
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      switch (m.group(1)) {
        case "CERTIFICATE" ->
            certificates.add(
                (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(der)));
        case "PRIVATE KEY" ->
            key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        default -> throw new IllegalStateException(RESOURCE + " holds a " + m.group(1));
      }
    }
    if (certificates.size() != 2 || key == null) {
      throw new IllegalStateException(RESOURCE + " must hold the CA, the leaf and its key");
    }
    return new Identity(certificates.get(0), certificates.get(1), key);
  }

  /** A PKIX trust manager that trusts the priming CA and nothing else. */
  static TrustManagerFactory trustOnly(X509Certificate ca)
      throws GeneralSecurityException, IOException {
    KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
    anchors.load(null, null);
    anchors.setCertificateEntry("priming-ca", ca);
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(anchors);
    return factory;
  }

  private static KeyManagerFactory keys(Identity identity)
      throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    char[] none = new char[0];
    store.setKeyEntry(
        "priming", identity.key(), none, new Certificate[] {identity.leaf(), identity.ca()});
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, none);
    return factory;
  }

  /** Two engines wired back to back through buffers. */
  private static final class Pair {
    private static final int MAX_STEPS = 100;
    private final SSLEngine client;
    private final SSLEngine server;
    private ByteBuffer toServer;
    private ByteBuffer toClient;

    Pair(SSLEngine client, SSLEngine server) {
      this.client = client;
      this.server = server;
      int packet = Math.max(client.getSession().getPacketBufferSize(), 16 * 1024 + 2048);
      toServer = ByteBuffer.allocate(packet);
      toClient = ByteBuffer.allocate(packet);
    }

    void handshake() throws SSLException {
      client.beginHandshake();
      server.beginHandshake();
      ByteBuffer empty = ByteBuffer.allocate(0);
      ByteBuffer sink = ByteBuffer.allocate(client.getSession().getApplicationBufferSize());
      for (int step = 0; step < MAX_STEPS; step++) {
        if (finished(client) && finished(server)) {
          return;
        }
        toServer = move(client, empty, toServer, server, sink);
        toClient = move(server, empty, toClient, client, sink);
      }
      throw new IllegalStateException("the priming handshake did not finish");
    }

    /** Sends {@code request} client to server, {@code response} back; the client's plain text. */
    ByteBuffer exchange(String request, String response) throws SSLException {
      ByteBuffer got = ByteBuffer.allocate(server.getSession().getApplicationBufferSize());
      toServer = move(client, ascii(request), toServer, server, got);
      ByteBuffer answer = ByteBuffer.allocate(client.getSession().getApplicationBufferSize());
      toClient = move(server, ascii(response), toClient, client, answer);
      // TLS 1.3 tickets and the answer may need more than one round to drain.
      for (int step = 0; step < MAX_STEPS && answer.position() < response.length(); step++) {
        toClient = move(server, ByteBuffer.allocate(0), toClient, client, answer);
        toServer = move(client, ByteBuffer.allocate(0), toServer, server, got);
      }
      answer.flip();
      return answer;
    }

    private static ByteBuffer ascii(String text) {
      return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean finished(SSLEngine engine) {
      SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
      return status == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
          || status == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    /** Wraps what {@code from} has to send and lets {@code to} unwrap it into {@code plain}. */
    private static ByteBuffer move(
        SSLEngine from, ByteBuffer outgoing, ByteBuffer wire, SSLEngine to, ByteBuffer plain)
        throws SSLException {
      SSLEngineResult wrapped;
      do {
        wrapped = from.wrap(outgoing, wire);
        runTasks(from);
      } while (wrapped.bytesProduced() > 0
          && from.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP);
      wire.flip();
      while (wire.hasRemaining()) {
        SSLEngineResult unwrapped = to.unwrap(wire, plain);
        runTasks(to);
        if (unwrapped.getStatus() != SSLEngineResult.Status.OK || unwrapped.bytesConsumed() == 0) {
          break;
        }
      }
      wire.compact();
      return wire;
    }

    private static void runTasks(SSLEngine engine) {
      Runnable task;
      while ((task = engine.getDelegatedTask()) != null) {
        task.run();
      }
    }
  }
}
