package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A throw-away self-signed certificate for localhost and 127.0.0.1, made with the openssl binary:
 * {@code cert.pem} and a PKCS#8 {@code key.pem}. Without openssl the test is skipped, except under
 * CI=true, where it fails (.ci/run installs openssl).
 */
public record TestCertificate(Path cert, Path key) {

  public static TestCertificate create(Path dir) throws IOException, InterruptedException {
    String openssl = openssl();
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    run(
        dir,
        openssl,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key.toString(),
        "-out",
        cert.toString(),
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost");
    // OpenSSL 3 writes PKCS#8 already; 1.1 may write PKCS#1 ("BEGIN RSA PRIVATE KEY").
    if (!Files.readString(key).contains("-----BEGIN PRIVATE KEY-----")) {
      Path pkcs8 = dir.resolve("key.pk8.pem");
      run(
          dir,
          openssl,
          "pkcs8",
          "-topk8",
          "-nocrypt",
          "-in",
          key.toString(),
          "-out",
          pkcs8.toString());
      Files.move(pkcs8, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return new TestCertificate(cert, key);
  }

  /** The same key in PKCS#1 ("BEGIN RSA PRIVATE KEY"), which the server does not read. */
  Path pkcs1Key(Path dir) throws IOException, InterruptedException {
    Path out = dir.resolve("key.pkcs1.pem");
    run(dir, openssl(), "rsa", "-traditional", "-in", key.toString(), "-out", out.toString());
    return out;
  }

  private static String openssl() {
    return PsqlTest.program("openssl");
  }

  private static void run(Path dir, String... command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(p.waitFor()).as("openssl: " + out).isZero();
  }
}
