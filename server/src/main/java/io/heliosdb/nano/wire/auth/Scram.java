package io.heliosdb.nano.wire.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL uses it: the stored verifier and the key
 * derivations, with the JDK's HmacSHA256, PBKDF2WithHmacSHA256 and SHA-256. The password is used as
 * UTF-8 without SASLprep, which gives PostgreSQL's keys for every password that SASLprep leaves
 * unchanged (all of ASCII).
 */
public final class Scram {
  /** PostgreSQL's default (scram_iterations). */
  public static final int DEFAULT_ITERATIONS = 4096;

  /** PostgreSQL's SCRAM_DEFAULT_SALT_LEN. */
  static final int SALT_BYTES = 16;

  public static final String MECHANISM = "SCRAM-SHA-256";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern FORMAT =
      Pattern.compile(
          "SCRAM-SHA-256\\$(\\d{1,9}):([A-Za-z0-9+/=]+)\\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)");

  private Scram() {}

  /**
   * A user's stored secret in PostgreSQL's format: {@code
   * SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>} (Base64).
   */
  public record Verifier(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {

    /** Reads PostgreSQL's format; throws IllegalArgumentException saying what is wrong. */
    public static Verifier parse(String text) {
      Matcher m = FORMAT.matcher(text);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "not a SCRAM-SHA-256 verifier: expected"
                + " SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>"
                + " (make one with heliosdb passwd)");
      }
      try {
        Base64.Decoder b64 = Base64.getDecoder();
        Verifier v =
            new Verifier(
                Integer.parseInt(m.group(1)),
                b64.decode(m.group(2)),
                b64.decode(m.group(3)),
                b64.decode(m.group(4)));
        if (v.iterations < 1 || v.salt.length == 0) {
          throw new IllegalArgumentException("SCRAM-SHA-256 verifier: bad iterations or salt");
        }
        if (v.storedKey.length != 32 || v.serverKey.length != 32) {
          throw new IllegalArgumentException(
              "SCRAM-SHA-256 verifier: StoredKey and ServerKey must be 32 bytes");
        }
        return v;
      } catch (IllegalArgumentException e) {
        throw e.getMessage() != null && e.getMessage().startsWith("SCRAM")
            ? e
            : new IllegalArgumentException("SCRAM-SHA-256 verifier: bad Base64", e);
      }
    }

    /** The verifier in PostgreSQL's text format. */
    public String text() {
      Base64.Encoder b64 = Base64.getEncoder();
      return "SCRAM-SHA-256$"
          + iterations
          + ":"
          + b64.encodeToString(salt)
          + "$"
          + b64.encodeToString(storedKey)
          + ":"
          + b64.encodeToString(serverKey);
    }

    @Override
    public String toString() {
      return "Verifier[SCRAM-SHA-256, " + iterations + " iterations]";
    }
  }

  /** A verifier for {@code password} with a random salt and PostgreSQL's 4096 iterations. */
  public static Verifier verifier(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return verifier(password, salt, DEFAULT_ITERATIONS);
  }

  /** The verifier for {@code password} with this salt and iteration count. */
  public static Verifier verifier(String password, byte[] salt, int iterations) {
    byte[] salted = saltedPassword(password, salt, iterations);
    return new Verifier(
        iterations, salt.clone(), sha256(hmac(salted, "Client Key")), hmac(salted, "Server Key"));
  }

  /** Hi(password, salt, i) of RFC 5802: PBKDF2 with HMAC-SHA-256, 32 bytes. */
  static byte[] saltedPassword(String password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
    } finally {
      spec.clearPassword();
    }
  }

  static byte[] hmac(byte[] key, String message) {
    return hmac(key, message.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  static byte[] xor(byte[] a, byte[] b) {
    byte[] r = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = (byte) (a[i] ^ b[i]);
    }
    return r;
  }

  /** A printable nonce: 18 random bytes in Base64 (PostgreSQL's SCRAM_RAW_NONCE_LEN). */
  static String nonce() {
    byte[] raw = new byte[18];
    RANDOM.nextBytes(raw);
    return Base64.getEncoder().encodeToString(raw);
  }

  static SecureRandom random() {
    return RANDOM;
  }
}
