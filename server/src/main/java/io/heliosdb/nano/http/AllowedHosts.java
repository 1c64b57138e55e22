package io.heliosdb.nano.http;

import io.heliosdb.nano.config.ConfigException;
import io.heliosdb.nano.error.SqlState;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which Host a request may name: the defence against DNS rebinding. A page of {@code
 * http://evil.example:54321} whose name the attacker then points at 127.0.0.1 talks to a loopback
 * gateway as its own origin, so neither CORS nor the Origin check stops it; but its requests say
 * {@code Host: evil.example:54321}, a name the gateway does not have.
 *
 * <p>The rule, when it applies (a loopback listen address, or {@code allowed_hosts} given): the
 * Host, with or without a port, must be an IP address (a page reached by address has that origin:
 * no name to rebind), {@code localhost} or a name under {@code .localhost} (browsers resolve them
 * to loopback themselves), the listen address, or a name in {@code allowed_hosts}; {@code ["*"]}
 * allows any. A request without Host passes: browsers always send one.
 */
final class AllowedHosts {
  /** A host name or IP address as an allowed_hosts entry: letters, digits, '-', '.' and '_'. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  private final boolean checked;
  private final Set<String> names = new HashSet<>();

  AllowedHosts(String listen, boolean loopback, List<String> allowedHosts) {
    this.checked = (loopback || !allowedHosts.isEmpty()) && !allowedHosts.contains("*");
    names.add("localhost");
    names.add(normalize(listen));
    allowedHosts.forEach(h -> names.add(normalize(h)));
  }

  /**
   * Checks an allowed_hosts entry.
   *
   * @throws ConfigException for one that is not {@code *}, a host name or an IP address
   */
  static void checkEntry(String entry) {
    if (!entry.equals("*") && !NAME.matcher(entry).matches() && !isIpv6Literal("[" + entry + "]")) {
      throw new ConfigException(
          "\""
              + entry
              + "\" is not a host name or address: give names as clients write them in URLs,"
              + " without scheme, port or path (\"app.example.com\"), or \"*\" for any");
    }
  }

  /**
   * @throws HttpError 421 (SQLSTATE 42501) when the request's Host is not a name of this gateway
   */
  void check(HttpRequest req) {
    String host = req.headers().get(HttpHeaderNames.HOST);
    if (!checked || host == null || allows(host)) {
      return;
    }
    throw new HttpError(
        HttpResponseStatus.MISDIRECTED_REQUEST,
        "Host \""
            + host
            + "\" is not a name of this gateway: add the name to allowed_hosts of [http] to reach"
            + " it that way (a loopback gateway answers only localhost and IP addresses, against"
            + " DNS rebinding)",
        SqlState.INSUFFICIENT_PRIVILEGE.code());
  }

  /** Whether {@code host} (a Host header: name or address, with or without a port) is allowed. */
  boolean allows(String host) {
    String name = host.trim();
    if (name.startsWith("[")) {
      int end = name.indexOf(']');
      return end > 0
          && portOrNothing(name.substring(end + 1))
          && isIpv6Literal(name.substring(0, end + 1));
    }
    int colon = name.indexOf(':');
    if (colon >= 0) {
      if (!portOrNothing(name.substring(colon))) {
        return false;
      }
      name = name.substring(0, colon);
    }
    name = normalize(name);
    return isIpv4(name) || name.endsWith(".localhost") || names.contains(name);
  }

  private static boolean portOrNothing(String rest) {
    return rest.isEmpty()
        || rest.length() > 1
            && rest.length() <= 6
            && rest.charAt(0) == ':'
            && rest.substring(1).chars().allMatch(Character::isDigit);
  }

  private static String normalize(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  private static boolean isIpv4(String name) {
    var m = IPV4.matcher(name);
    if (!m.matches()) {
      return false;
    }
    for (int i = 1; i <= 4; i++) {
      if (Integer.parseInt(m.group(i)) > 255) {
        return false;
      }
    }
    return true;
  }

  /** {@code [...]} holding an IPv6 address (Java parses a bracketed literal without DNS). */
  private static boolean isIpv6Literal(String bracketed) {
    String inside = bracketed.substring(1, bracketed.length() - 1);
    if (inside.isEmpty()
        || !inside.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
      return false;
    }
    try {
      InetAddress.getByName(bracketed);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
