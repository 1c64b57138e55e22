package io.heliosdb.nano.wire.auth;

import io.heliosdb.nano.config.ConfigException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The server's TLS context from PEM files, with one-line errors for what is wrong with them. */
public final class Tls {
  private Tls() {}

  /**
   * A server context (JDK provider) from a PEM certificate chain and an unencrypted PKCS#8 PEM
   * private key; a {@link ConfigException} naming the file when either cannot be used.
   */
  public static SslContext serverContext(Path cert, Path key) {
    String certText = read(cert, "tls_cert", "certificate");
    String keyText = read(key, "tls_key", "private key");
    if (!certText.contains("-----BEGIN CERTIFICATE-----")) {
      throw new ConfigException(
          "tls_cert " + cert + ": not a PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    if (keyText.contains("-----BEGIN RSA PRIVATE KEY-----")
        || keyText.contains("-----BEGIN EC PRIVATE KEY-----")
        || keyText.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      throw new ConfigException(
          "tls_key "
              + key
              + ": not an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert it with"
              + " openssl pkcs8 -topk8 -nocrypt -in "
              + key.getFileName()
              + " -out server.key");
    }
    if (!keyText.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new ConfigException(
          "tls_key " + key + ": not a PEM private key (-----BEGIN PRIVATE KEY-----)");
    }
    try {
      return SslContextBuilder.forServer(cert.toFile(), key.toFile())
          .sslProvider(SslProvider.JDK)
          .build();
    } catch (Exception e) {
      // SSLException, or IllegalArgumentException for a file Netty cannot parse.
      throw new ConfigException(
          "TLS certificate " + cert + " and key " + key + " cannot be used: " + oneLine(e));
    }
  }

  private static String read(Path file, String key, String what) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new ConfigException(key + " " + file + ": no such file (the " + what + ")");
    } catch (AccessDeniedException e) {
      throw new ConfigException(key + " " + file + ": permission denied (the " + what + ")");
    } catch (IOException e) {
      throw new ConfigException(key + " " + file + ": cannot read the " + what + ": " + oneLine(e));
    }
  }

  private static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return m.replaceAll("\\s+", " ").trim();
  }
}
