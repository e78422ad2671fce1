package health.privatelink.testing;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made for one test run, and server certificates it signs (or that sign
 * themselves), for HTTPS servers on loopback.
 */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final KeyPair caKeys;
  private final X509Certificate caCertificate;

  public TestPki() {
    try {
      caKeys = keyPair();
      Instant now = Instant.now();
      caCertificate =
          sign(
              new X500Name("CN=privatelink-health test CA"),
              caKeys,
              new X500Name("CN=privatelink-health test CA"),
              caKeys.getPrivate(),
              now.minus(Duration.ofDays(1)),
              now.plus(Duration.ofDays(3650)),
              true,
              new String[0]);
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException(e);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A server identity: its key and certificate chain. */
  public record Identity(PrivateKey key, X509Certificate[] chain) {
    public X509Certificate leaf() {
      return chain[0];
    }
  }

  /** A certificate for {@code names}, signed by this CA, valid from yesterday for {@code days}. */
  public Identity server(int days, String... names) {
    Instant now = Instant.now();
    return server(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(days)), names);
  }

  /** A certificate for {@code names}, signed by this CA, valid between the two instants. */
  public Identity server(Instant notBefore, Instant notAfter, String... names) {
    try {
      KeyPair keys = keyPair();
      X509Certificate cert =
          sign(
              new X500Name("CN=" + names[0]),
              keys,
              caName(),
              caKeys.getPrivate(),
              notBefore,
              notAfter,
              false,
              names);
      return new Identity(keys.getPrivate(), new X509Certificate[] {cert, caCertificate});
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A certificate for {@code names} that signs itself: no trust store trusts it. */
  public static Identity selfSigned(String... names) {
    try {
      KeyPair keys = keyPair();
      Instant now = Instant.now();
      X500Name subject = new X500Name("CN=" + names[0]);
      X509Certificate cert =
          sign(
              subject,
              keys,
              subject,
              keys.getPrivate(),
              now.minus(Duration.ofDays(1)),
              now.plus(Duration.ofDays(30)),
              false,
              names);
      return new Identity(keys.getPrivate(), new X509Certificate[] {cert});
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Server-side TLS for an identity. */
  public static SSLContext serverContext(Identity identity) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", identity.key(), new char[0], identity.chain());
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, new char[0]);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, new SecureRandom());
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A trust store holding only this CA, as {@code -Djavax.net.ssl.trustStore} would give. */
  public KeyStore trustStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("ca", caCertificate);
      return store;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Client-side TLS that trusts this CA only, with the JDK's default protocols and checks. */
  public SSLSocketFactory clientSocketFactory() {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), new SecureRandom());
      return context.getSocketFactory();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public X509Certificate caCertificate() {
    return caCertificate;
  }

  private X500Name caName() {
    return new X500Name(caCertificate.getSubjectX500Principal().getName());
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(
      X500Name subject,
      KeyPair subjectKeys,
      X500Name issuer,
      PrivateKey issuerKey,
      Instant notBefore,
      Instant notAfter,
      boolean ca,
      String[] names)
      throws GeneralSecurityException,
          org.bouncycastle.operator.OperatorCreationException,
          java.io.IOException {
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(notBefore),
            Date.from(notAfter),
            subject,
            subjectKeys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (ca) {
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      GeneralName[] sans = new GeneralName[names.length];
      for (int i = 0; i < names.length; i++) {
        boolean ip = names[i].matches("[0-9.]+") || names[i].contains(":");
        sans[i] = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, names[i]);
      }
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
    }
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }
}
