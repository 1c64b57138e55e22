package io.heliosdb.nano.wire.auth;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the server authenticates a session: {@link Method#TRUST} (anyone is who they say) or {@link
 * Method#SCRAM_SHA_256} against the users' verifiers. Immutable.
 */
public final class Authentication {

  /** The methods, named as in pg_hba.conf and heliosdb.toml. */
  public enum Method {
    TRUST("trust"),
    SCRAM_SHA_256("scram-sha-256");

    private final String configName;

    Method(String configName) {
      this.configName = configName;
    }

    /** The name in heliosdb.toml and on the command line. */
    public String configName() {
      return configName;
    }

    /** The method of a configuration name; null when there is none. */
    public static Method of(String name) {
      for (Method m : values()) {
        if (m.configName.equals(name)) {
          return m;
        }
      }
      return null;
    }
  }

  private final Method method;
  private final Map<String, Scram.Verifier> users;
  private final byte[] mockSecret = new byte[32];

  private Authentication(Method method, Map<String, Scram.Verifier> users) {
    this.method = method;
    this.users = Collections.unmodifiableMap(new LinkedHashMap<>(users));
    Scram.random().nextBytes(mockSecret);
  }

  public static Authentication trust() {
    return new Authentication(Method.TRUST, Map.of());
  }

  /** SCRAM-SHA-256 against these users (name to verifier). */
  public static Authentication scram(Map<String, Scram.Verifier> users) {
    return new Authentication(Method.SCRAM_SHA_256, users);
  }

  public Method method() {
    return method;
  }

  public Map<String, Scram.Verifier> users() {
    return users;
  }

  /**
   * A SCRAM exchange for {@code user}; for an unknown user, one against a mock verifier whose salt
   * is the same for every attempt with that name, so that probing does not reveal who exists.
   */
  public ScramExchange exchange(String user) {
    Scram.Verifier v = users.get(user);
    if (v != null) {
      return new ScramExchange(user, v, false, Scram::nonce);
    }
    byte[] salt = Arrays.copyOf(Scram.hmac(mockSecret, user), Scram.SALT_BYTES);
    byte[] keys = Scram.hmac(mockSecret, "keys " + user);
    Scram.Verifier mock = new Scram.Verifier(Scram.DEFAULT_ITERATIONS, salt, keys, keys);
    return new ScramExchange(user, mock, true, Scram::nonce);
  }

  @Override
  public String toString() {
    return method.configName() + (method == Method.TRUST ? "" : " (" + users.size() + " users)");
  }
}
