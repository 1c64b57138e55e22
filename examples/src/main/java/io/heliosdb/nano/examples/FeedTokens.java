package io.heliosdb.nano.examples;

import io.heliosdb.nano.http.HttpConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One bearer token per user, each allowed to subscribe to that user's feed channel only and to
 * publish nowhere. The gateway is given only their SHA-256 (as [http.tokens] would hold it); the
 * tokens themselves exist in this process, for the URLs it prints.
 */
final class FeedTokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<Integer, String> byUser = new LinkedHashMap<>();

  /** New random tokens for users 1 to {@code users}. */
  FeedTokens(int users) {
    for (int user = 1; user <= users; user++) {
      byte[] bytes = new byte[32];
      RANDOM.nextBytes(bytes);
      byUser.put(user, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }
  }

  /** The channel of {@code user}'s feed, as the trigger names it. */
  static String channel(int user) {
    return "user_feed_" + user;
  }

  String token(int user) {
    String token = byUser.get(user);
    if (token == null) {
      throw new IllegalArgumentException("no user " + user);
    }
    return token;
  }

  Iterable<Integer> users() {
    return byUser.keySet();
  }

  /** Adds a token per user to {@code http}: subscribe to its own feed, publish nothing. */
  HttpConfig.Builder configure(HttpConfig.Builder http) {
    byUser.forEach(
        (user, token) ->
            http.token("user" + user, sha256Hex(token), List.of(channel(user)), List.of()));
    return http;
  }

  static String sha256Hex(String token) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
