package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliosdb.nano.config.ConfigException;
import io.heliosdb.nano.wire.auth.Authentication;
import io.heliosdb.nano.wire.auth.Scram;
import io.heliosdb.nano.wire.limits.SessionLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [server] of heliosdb.toml: defaults, every key, and errors with file, line and key. */
class ServerConfigTest {
  @TempDir Path dir;

  private Path write(String toml) throws IOException {
    return Files.writeString(dir.resolve("heliosdb.toml"), toml);
  }

  @Test
  void defaultsAreTrustOnLoopbackPort54320() throws IOException {
    ServerConfig c = ServerConfig.load(write("[database]\npath = \"x.db\"\n")).build();
    assertThat(c.listen()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(54320);
    assertThat(c.maxConnections()).isEqualTo(100);
    assertThat(c.authentication().method()).isEqualTo(Authentication.Method.TRUST);
    assertThat(c.describe()).isEqualTo("trust authentication, loopback only");
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void everyKeyIsRead() throws IOException {
    String verifier = Scram.verifier("pw").text();
    Path f =
        write(
            "[server]\nlisten = \"0.0.0.0\"\nport = 6000\nmax_connections = 7\n"
                + "auth = \"scram-sha-256\"\n\n[server.users]\nann = \""
                + verifier
                + "\"\n\"o'neil.x\" = \""
                + verifier
                + "\"\n");
    ServerConfig c = ServerConfig.load(f).build();
    assertThat(c.listen()).isEqualTo("0.0.0.0");
    assertThat(c.port()).isEqualTo(6000);
    assertThat(c.maxConnections()).isEqualTo(7);
    assertThat(c.authentication().users()).containsOnlyKeys("ann", "o'neil.x");
    assertThat(c.describe()).isEqualTo("scram-sha-256 authentication");
  }

  @Test
  void ioThreadsAreReadValidatedAndPassedToTheServer() throws IOException {
    assertThat(ServerConfig.builder().build().options(1024).ioThreads()).isZero();
    ServerConfig one = ServerConfig.load(write("[server]\nio_threads = 1\n")).build();
    assertThat(one.ioThreads()).isEqualTo(1);
    assertThat(one.options(1024).ioThreads()).isEqualTo(1);
    Path zero = write("[server]\nio_threads = 0\n");
    assertThat(ServerConfig.load(zero).build().ioThreads()).isZero();
    Path negative = write("[server]\n\nio_threads = -2\n");
    assertThatThrownBy(() -> ServerConfig.load(negative))
        .hasMessage(
            negative
                + ":3: server.io_threads = -2 is out of range: must be from 1 to 256 (0: one per"
                + " core)");
    assertThatThrownBy(() -> ServerConfig.builder().ioThreads(1000).build())
        .hasMessageStartingWith("io-threads 1000 is out of range");
  }

  @Test
  void flagsOverrideTheFile() throws IOException {
    Path f = write("[server]\nport = 6000\nauth = \"scram-sha-256\"\n");
    ServerConfig c = ServerConfig.load(f).port(0).auth("trust").build();
    assertThat(c.port()).isZero();
    assertThat(c.authentication().method()).isEqualTo(Authentication.Method.TRUST);
  }

  @Test
  void unknownKeyHasLineAndSuggestion() throws IOException {
    Path f = write("[server]\nport = 1\nmax_conections = 3\n");
    assertThatThrownBy(() -> ServerConfig.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(f + ":3: unknown key server.max_conections")
        .hasMessageContaining("did you mean max_connections?");
  }

  @Test
  void badAuthValueNamesLineAndChoices() throws IOException {
    Path f = write("[server]\n\nauth = \"md5\"\n");
    assertThatThrownBy(() -> ServerConfig.load(f))
        .hasMessage(
            f + ":3: server.auth = \"md5\" is not supported: use \"trust\" or \"scram-sha-256\"");
    Path typo = write("[server]\nauth = \"scram-sha256\"\n");
    assertThatThrownBy(() -> ServerConfig.load(typo))
        .hasMessageContaining("did you mean scram-sha-256?");
  }

  @Test
  void wrongTypesAndRangesNameLineAndKey() throws IOException {
    Path port = write("[server]\nport = 70000\n");
    assertThatThrownBy(() -> ServerConfig.load(port))
        .hasMessage(port + ":2: server.port = 70000 is out of range: must be between 0 and 65535");
    Path listen = write("[server]\nlisten = 1\n");
    assertThatThrownBy(() -> ServerConfig.load(listen))
        .hasMessage(listen + ":2: server.listen must be a string");
    Path user = write("[server.users]\nann = \"plain password\"\n");
    assertThatThrownBy(() -> ServerConfig.load(user))
        .hasMessageStartingWith(user + ":2: server.users.ann: not a SCRAM-SHA-256 verifier");
  }

  @Test
  void nonLoopbackTrustIsRefusedUnlessAllowed() throws IOException {
    Path f = write("[server]\nlisten = \"0.0.0.0\"\n");
    assertThatThrownBy(() -> ServerConfig.load(f).build())
        .hasMessageStartingWith("listen address 0.0.0.0 is not a loopback address");
    ServerConfig allowed =
        ServerConfig.load(
                write("[server]\nlisten = \"0.0.0.0\"\nallow_trust_on_non_loopback = true\n"))
            .build();
    assertThat(allowed.warnings()).singleElement().asString().startsWith("WARNING: trust");
    assertThat(allowed.describe()).isEqualTo("trust authentication");
  }

  @Test
  void scramWithoutUsersIsRefused() throws IOException {
    Path f = write("[server]\nauth = \"scram-sha-256\"\n");
    assertThatThrownBy(() -> ServerConfig.load(f).build())
        .hasMessageContaining("needs users")
        .hasMessageContaining("heliosdb passwd");
  }

  @Test
  void tlsCertAndKeyAreReadRelativeToTheFile() throws Exception {
    TestCertificate cert = TestCertificate.create(dir);
    ServerConfig c =
        ServerConfig.load(
                write(
                    "[server]\ntls_cert = \"cert.pem\"\ntls_key = \"key.pem\"\nrequire_tls = true\n"))
            .build();
    assertThat(c.tls()).isNotNull();
    assertThat(c.tls().isServer()).isTrue();
    assertThat(c.requireTls()).isTrue();
    assertThat(c.describe()).isEqualTo("trust authentication, loopback only, TLS required");
    assertThat(cert.cert()).exists();
  }

  @Test
  void tlsNeedsBothCertAndKey() throws IOException {
    Path f = write("[server]\nport = 1\ntls_cert = \"cert.pem\"\n");
    assertThatThrownBy(() -> ServerConfig.load(f).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(f + ":3: server.tls_cert is given without tls_key");
    assertThatThrownBy(() -> ServerConfig.builder().tlsKey(dir.resolve("k.pem")).build())
        .hasMessageStartingWith("--tls-key is given without tls_cert");
    assertThatThrownBy(() -> ServerConfig.builder().requireTls(true).build())
        .hasMessageStartingWith("require_tls = true needs TLS");
  }

  @Test
  void missingOrUnusableTlsFilesFailWithOneLine() throws Exception {
    TestCertificate cert = TestCertificate.create(dir);
    assertThatThrownBy(
            () ->
                ServerConfig.builder().tlsCert(dir.resolve("nope.pem")).tlsKey(cert.key()).build())
        .isInstanceOf(ConfigException.class)
        .hasMessage("tls_cert " + dir.resolve("nope.pem") + ": no such file (the certificate)");
    Path pkcs1 = cert.pkcs1Key(dir);
    assertThatThrownBy(() -> ServerConfig.builder().tlsCert(cert.cert()).tlsKey(pkcs1).build())
        .hasMessageContaining("not an unencrypted PKCS#8 key")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    assertThatThrownBy(() -> ServerConfig.builder().tlsCert(cert.key()).tlsKey(cert.key()).build())
        .hasMessageContaining("not a PEM certificate");
    Path garbage =
        Files.writeString(
            dir.resolve("garbage.pem"),
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> ServerConfig.builder().tlsCert(cert.cert()).tlsKey(garbage).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot be used")
        .extracting(Throwable::getMessage)
        .satisfies(m -> assertThat(m.toString()).doesNotContain("\n"));
  }

  @Test
  void timeoutsAndKeepalivesHavePostgreSqlDefaults() throws IOException {
    SessionLimits l = ServerConfig.load(write("[server]\nport = 1\n")).build().limits();
    assertThat(l.authenticationTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(l.idleSessionTimeout()).isZero();
    assertThat(l.idleInTransactionSessionTimeout()).isZero();
    assertThat(l.listenerStallTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(List.of(l.tcpKeepalivesIdle(), l.tcpKeepalivesInterval(), l.tcpKeepalivesCount()))
        .containsOnly(0);
  }

  @Test
  void timeoutsAndKeepalivesAreRead() throws IOException {
    Path f =
        write(
            "[server]\nauthentication_timeout = \"10s\"\nidle_session_timeout = \"5min\"\n"
                + "idle_in_transaction_session_timeout = \"1500ms\"\n"
                + "listener_stall_timeout = \"2m\"\ntcp_keepalives_idle = \"1m\"\n"
                + "tcp_keepalives_interval = \"10s\"\ntcp_keepalives_count = 5\n");
    ServerConfig c = ServerConfig.load(f).build();
    SessionLimits l = c.limits();
    assertThat(l.authenticationTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(l.idleSessionTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(l.idleInTransactionSessionTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(l.listenerStallTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(l.tcpKeepalivesIdle()).isEqualTo(60);
    assertThat(l.tcpKeepalivesInterval()).isEqualTo(10);
    assertThat(l.tcpKeepalivesCount()).isEqualTo(5);
    assertThat(c.options(1024).limits()).isEqualTo(l);
    Path zero = write("[server]\nidle_session_timeout = 0\nlistener_stall_timeout = \"0\"\n");
    assertThat(ServerConfig.load(zero).build().limits().listenerStallTimeout()).isZero();
  }

  @Test
  void badTimeoutsAndKeepalivesNameLineKeyAndFix() throws IOException {
    Path unit = write("[server]\nport = 1\nidle_session_timeout = 5000\n");
    assertThatThrownBy(() -> ServerConfig.load(unit))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            unit
                + ":3: server.idle_session_timeout must be a duration with its unit, e.g."
                + " \"500ms\", \"90s\", \"30m\", \"12h\", \"7d\", or 0");
    Path text = write("[server]\nidle_session_timeout = \"soon\"\n");
    assertThatThrownBy(() -> ServerConfig.load(text))
        .hasMessageStartingWith(
            text + ":2: server.idle_session_timeout = \"soon\" is not a duration: use e.g.");
    Path auth = write("[server]\nauthentication_timeout = \"0\"\n");
    assertThatThrownBy(() -> ServerConfig.load(auth))
        .hasMessage(
            auth
                + ":2: server.authentication_timeout = 0 is out of range: must be between 1s"
                + " and 600s");
    Path big = write("[server]\nidle_in_transaction_session_timeout = \"30d\"\n");
    assertThatThrownBy(() -> ServerConfig.load(big))
        .hasMessageStartingWith(
            big + ":2: server.idle_in_transaction_session_timeout = 30d is out of range");
    Path idle = write("[server]\ntcp_keepalives_idle = \"1500ms\"\n");
    assertThatThrownBy(() -> ServerConfig.load(idle))
        .hasMessage(idle + ":2: server.tcp_keepalives_idle = 1500ms is not whole seconds");
    Path count = write("[server]\ntcp_keepalives_count = 1000\n");
    assertThatThrownBy(() -> ServerConfig.load(count))
        .hasMessage(
            count
                + ":2: server.tcp_keepalives_count = 1000 is out of range: must be between 0"
                + " (the system's default) and 127");
    Path countType = write("[server]\ntcp_keepalives_count = \"5\"\n");
    assertThatThrownBy(() -> ServerConfig.load(countType))
        .hasMessage(
            countType
                + ":2: server.tcp_keepalives_count must be an integer (0: the system's default)");
    Path typo = write("[server]\nidle_sesion_timeout = \"5s\"\n");
    assertThatThrownBy(() -> ServerConfig.load(typo))
        .hasMessageContaining("did you mean idle_session_timeout?");
  }
}
