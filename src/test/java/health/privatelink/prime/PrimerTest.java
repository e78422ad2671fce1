package health.privatelink.prime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import health.privatelink.testing.HttpTestServer;
import health.privatelink.testing.TestPki;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/** Priming touches nothing the real checks rely on. */
class PrimerTest {

  private static Set<X509Certificate> jvmTrustedIssuers() throws Exception {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    X509TrustManager manager = (X509TrustManager) factory.getTrustManagers()[0];
    return Set.of(manager.getAcceptedIssuers());
  }

  @Test
  void theDnsStepClosesTheChannelAndSelectorItOpens() throws Exception {
    Path descriptors = Path.of("/proc/self/fd");
    assumeTrue(Files.isDirectory(descriptors), "needs Linux's /proc");
    Primer.dns();
    long before = count(descriptors);

    for (int i = 0; i < 200; i++) {
      Primer.dns();
    }

    // A leak would keep a channel and a selector (two or more descriptors) per call: 400 or more.
    assertTrue(
        count(descriptors) - before < 50, "descriptors: " + before + " -> " + count(descriptors));
  }

  private static long count(Path directory) throws Exception {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.count();
    }
  }

  @Test
  void primingLeavesTheJvmTrustStoreAsItWas() throws Exception {
    Set<X509Certificate> before = jvmTrustedIssuers();
    String storeBefore = System.getProperty("javax.net.ssl.trustStore");
    SSLContext defaultBefore = SSLContext.getDefault();

    Primer.prime();

    assertEquals(before, jvmTrustedIssuers());
    assertFalse(jvmTrustedIssuers().contains(TlsPriming.identity().ca()));
    assertTrue(Objects.equals(storeBefore, System.getProperty("javax.net.ssl.trustStore")));
    assertTrue(defaultBefore == SSLContext.getDefault(), "the default context was replaced");
  }

  @Test
  void theJvmsTlsStillRefusesAServerWithThePrimingCertificate() throws Exception {
    Primer.prime();
    TlsPriming.Identity priming = TlsPriming.identity();
    try (HttpTestServer server =
        HttpTestServer.https(
            TestPki.serverContext(
                new TestPki.Identity(
                    priming.key(), new X509Certificate[] {priming.leaf(), priming.ca()})),
            HttpTestServer.respond(200, "ok"))) {
      try (SSLSocket socket =
          (SSLSocket)
              SSLContext.getDefault()
                  .getSocketFactory()
                  .createSocket(InetAddress.getLoopbackAddress(), server.port())) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setServerNames(List.of(new SNIHostName(TlsPriming.HOST)));
        socket.setSSLParameters(parameters);
        assertThrows(SSLHandshakeException.class, socket::startHandshake);
      }
    }
  }

  @Test
  void thePrimingTrustManagerTrustsThePrimingCaAlone() throws Exception {
    TlsPriming.Identity priming = TlsPriming.identity();
    X509TrustManager own =
        (X509TrustManager) TlsPriming.trustOnly(priming.ca()).getTrustManagers()[0];
    assertEquals(List.of(priming.ca()), List.of(own.getAcceptedIssuers()));
  }
}
