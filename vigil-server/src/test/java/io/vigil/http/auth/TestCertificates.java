package io.vigil.http.auth;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Self-signed certificates made by the test with the JDK's keytool, written as PEM files. */
public record TestCertificates(Path certFile, Path keyFile, X509Certificate cert, PrivateKey key, Path pkcs12) {
    private static final char[] PASSWORD = "changeit".toCharArray();

    /** A self-signed EC certificate for CN={@code cn}, valid for 127.0.0.1 and localhost, in {@code dir/<name>-*.pem}. */
    public static TestCertificates selfSigned(Path dir, String name, String cn) throws Exception {
        Path ks = dir.resolve(name + ".p12");
        Files.deleteIfExists(ks);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + cn,
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", ks.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("keytool failed: " + out);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, PASSWORD);
        }
        X509Certificate cert = (X509Certificate) store.getCertificate(name);
        PrivateKey key = (PrivateKey) store.getKey(name, PASSWORD);
        Path certFile = dir.resolve(name + "-cert.pem");
        Path keyFile = dir.resolve(name + "-key.pem");
        Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        return new TestCertificates(certFile, keyFile, cert, key, ks);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** A client context that trusts {@code trusted} and, when {@code clientKey} is given, presents that certificate. */
    public static SSLContext context(TestCertificates clientKey, TestCertificates... trusted) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        for (int i = 0; i < trusted.length; i++) ts.setCertificateEntry("t" + i, trusted[i].cert());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        KeyManagerFactory kmf = null;
        if (clientKey != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", clientKey.key(), PASSWORD, new java.security.cert.Certificate[]{clientKey.cert()});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
