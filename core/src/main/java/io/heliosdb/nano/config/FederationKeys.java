package io.heliosdb.nano.config;

import static io.heliosdb.nano.config.ConfigKeys.castList;

import io.heliosdb.nano.config.ConfigKeys.Kind;

/**
 * The keys of {@code [federation]} (docs/federation.md), added to {@link ConfigKeys}' table. Any of
 * them turns federation on; NATS's {@code user} and {@code password} are {@code nats_user} and
 * {@code nats_password}, as a JDBC URL's {@code user} and {@code password} are the connection's.
 */
final class FederationKeys {
  private FederationKeys() {}

  static void add() {
    String s = "federation";
    ConfigKeys.add(
        s,
        "nats_url",
        Kind.STRINGS,
        (b, v) -> b.federationKeys().natsUrls(castList(v)),
        c -> c.federation().natsUrls(),
        "NATS server URL, or several: nats://host:4222, tls://host:4222 (default"
            + " nats://127.0.0.1:4222)");
    ConfigKeys.add(
        s,
        "channels",
        Kind.LIST,
        (b, v) -> b.federationKeys().channels(castList(v).toArray(String[]::new)),
        c -> c.federation().channels().patterns(),
        "Channels shared with the other nodes, names or globs: alerts,orders.*; the rest stay"
            + " local");
    ConfigKeys.add(
        s,
        "subject_prefix",
        Kind.STRING,
        (b, v) -> b.federationKeys().subjectPrefix((String) v),
        c -> c.federation().subjectPrefix(),
        "First tokens of the NATS subjects (default heliosdb): nodes with the same prefix share");
    ConfigKeys.add(
        s,
        "stream",
        Kind.STRING,
        (b, v) -> b.federationKeys().stream((String) v),
        c -> c.federation().stream(),
        "JetStream stream of the durable federated channels (default: the prefix, upper case)");
    ConfigKeys.add(
        s,
        "credentials_file",
        Kind.STRING,
        (b, v) -> b.federationKeys().credentialsFile((String) v),
        c -> c.federation().credentialsFile(),
        "NATS credentials file (JWT and NKey seed)");
    ConfigKeys.add(
        s,
        "nats_user",
        Kind.STRING,
        (b, v) -> b.federationKeys().user((String) v),
        c -> c.federation().user(),
        "NATS user name, with nats_password");
    ConfigKeys.add(
        s,
        "nats_password",
        Kind.SECRET,
        (b, v) -> b.federationKeys().password((String) v),
        c -> c.federation().password(),
        "NATS password, with nats_user");
    ConfigKeys.add(
        s,
        "token",
        Kind.SECRET,
        (b, v) -> b.federationKeys().token((String) v),
        c -> c.federation().token(),
        "NATS authentication token");
    ConfigKeys.add(
        s,
        "tls",
        Kind.BOOL,
        (b, v) -> b.federationKeys().tls((Boolean) v),
        c -> c.federation().tls(),
        "Require TLS with the JVM's trusted certificates (tls:// URLs use TLS anyway)");
    ConfigKeys.add(
        s,
        "tls_keystore",
        Kind.STRING,
        (b, v) -> b.federationKeys().tlsKeystore((String) v),
        c -> c.federation().tlsKeystore(),
        "Key store with this node's client certificate (JKS or PKCS12)");
    ConfigKeys.add(
        s,
        "tls_keystore_password",
        Kind.SECRET,
        (b, v) -> b.federationKeys().tlsKeystorePassword((String) v),
        c -> c.federation().tlsKeystorePassword(),
        "Password of tls_keystore");
    ConfigKeys.add(
        s,
        "tls_truststore",
        Kind.STRING,
        (b, v) -> b.federationKeys().tlsTruststore((String) v),
        c -> c.federation().tlsTruststore(),
        "Trust store with the NATS servers' CA (JKS or PKCS12)");
    ConfigKeys.add(
        s,
        "tls_truststore_password",
        Kind.SECRET,
        (b, v) -> b.federationKeys().tlsTruststorePassword((String) v),
        c -> c.federation().tlsTruststorePassword(),
        "Password of tls_truststore");
    ConfigKeys.add(
        s,
        "outgoing_queue_size",
        Kind.INT,
        (b, v) -> b.federationKeys().outgoingQueueSize((Integer) v),
        c -> c.federation().outgoingQueueSize(),
        "Notifications waiting to go to NATS (non-durable channels); beyond it they are dropped"
            + " and counted (default 10000)");
  }
}
