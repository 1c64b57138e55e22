package io.heliosdb.nano.cli;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.config.ConfigException;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.http.HttpConfig;
import io.heliosdb.nano.http.HttpGateway;
import io.heliosdb.nano.net.AuthThrottle;
import io.heliosdb.nano.wire.ServerConfig;
import io.heliosdb.nano.wire.WireServer;
import io.heliosdb.nano.wire.limits.MemoryBudget;
import io.heliosdb.nano.wire.messages.PgFrameDecoder;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code heliosdb serve}: the database over the PostgreSQL wire protocol until SIGTERM or SIGINT.
 * Settings from [server] of heliosdb.toml, flags on top ({@link ServerConfig}); trust
 * authentication on loopback addresses, SCRAM-SHA-256 anywhere; TLS when given a certificate.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the database over the PostgreSQL wire protocol (psql, pgjdbc, psycopg, node-postgres)"
          + " until SIGTERM or SIGINT.",
      "Simple and extended query protocols (pgjdbc in its default mode). Settings from [server]"
          + " of heliosdb.toml; the flags override them.",
      "Also serves HTTP (Server-Sent Events, publishing, /health, /metrics) on a second port,"
          + " from [http]; --no-http turns it off."
    })
final class ServeCommand implements Callable<Integer> {

  @Mixin DatabaseOptions database;

  @Option(
      names = "--listen",
      paramLabel = "ADDR",
      description =
          "Address to listen on (default: [server] listen, else 127.0.0.1); a non-loopback"
              + " address needs --auth scram-sha-256.")
  String listen;

  @Option(
      names = "--port",
      paramLabel = "N",
      description =
          "TCP port (default: [server] port, else 54320, clear of a local PostgreSQL on 5432); 0"
              + " picks a free one.")
  Integer port;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      description =
          "Sessions at once; more are refused with SQLSTATE 53300 (default: [server]"
              + " max_connections, else 100).")
  Integer maxConnections;

  @Option(
      names = "--auth",
      paramLabel = "METHOD",
      description =
          "trust or scram-sha-256 (users from [server.users]; default: [server] auth, else"
              + " trust).")
  String auth;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description =
          "PEM certificate chain for TLS (sslmode=require and up), with --tls-key (default:"
              + " [server] tls_cert).")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "PEM private key, unencrypted PKCS#8 (default: [server] tls_key).")
  Path tlsKey;

  @Option(
      names = "--http-port",
      paramLabel = "N",
      description =
          "HTTP port for Server-Sent Events, publishing, /health and /metrics (default: [http]"
              + " port, else 54321); 0 picks a free one.")
  Integer httpPort;

  @Option(
      names = "--http-listen",
      paramLabel = "ADDR",
      description = "Address for HTTP (default: [http] listen, else 127.0.0.1).")
  String httpListen;

  @Option(
      names = "--http-static",
      paramLabel = "DIR",
      description =
          "Serve the files of DIR over HTTP, e.g. a dashboard (default: [http] static_dir).")
  Path httpStatic;

  @Option(names = "--no-http", description = "Serve no HTTP (as [http] enabled = false).")
  boolean noHttp;

  @Option(
      names = "--memory-limit-mb",
      paramLabel = "N",
      description =
          "The server's whole memory budget in MiB, split into heap, direct memory and sessions"
              + " (default: [server] memory_limit_mb, else [database] memory_limit_mb + 128).")
  Integer memoryLimitMb;

  /** For the launcher: print the JVM options of the memory budget and exit. */
  @Option(names = "--print-jvm-options", hidden = true)
  boolean printJvmOptions;

  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ServerConfig server;
    HttpConfig http;
    MemoryBudget budget;
    HeliosConfig dbConfig;
    try {
      server = serverConfig();
      http = httpConfig();
      // Prometheus users expect /metrics of a server: on unless [monitoring] turned it off.
      dbConfig = database.resolve().toBuilder().metricsEnabledIfUnset(true).build();
      budget = MemoryBudget.of(server.memoryLimitMb(), dbConfig.memoryLimitMb());
    } catch (ConfigException e) {
      err.println("heliosdb: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    if (printJvmOptions) {
      out.println(String.join(" ", budget.jvmOptions()));
      return 0;
    }
    for (String warning : server.warnings()) {
      err.println("heliosdb: " + warning);
    }
    HeliosDB db =
        database.open(err, budget.limitNotificationQueues(dbConfig, server.maxConnections()));
    if (db == null) {
      return Main.EXIT_USAGE;
    }
    String name =
        db.config().inMemory()
            ? "an in-memory database"
            : db.config().path() + " (" + durability(db.config()) + ")";
    WireServer wire;
    AuthThrottle throttle = new AuthThrottle(); // failures on either port count for both
    try {
      wire =
          WireServer.start(
              db, server.options(PgFrameDecoder.DEFAULT_MAX_MESSAGE_BYTES).with(budget), throttle);
    } catch (Exception e) {
      // Netty throws a bind failure (java.net.BindException) without declaring it.
      err.println(
          "heliosdb: cannot listen on "
              + server.listen()
              + ":"
              + server.port()
              + ": "
              + Main.oneLine(e));
      return Main.EXIT_USAGE;
    }
    if (wire.descriptorWarning() != null) {
      err.println("heliosdb: WARNING: " + wire.descriptorWarning());
    }
    HttpGateway gateway = null;
    if (http.enabled()) {
      try {
        gateway = HttpGateway.start(db, http, wire::sessionCount, throttle);
      } catch (Exception e) {
        wire.close();
        err.println(
            "heliosdb: cannot listen for HTTP on "
                + http.listen()
                + ":"
                + http.port()
                + ": "
                + Main.oneLine(e));
        return Main.EXIT_USAGE;
      }
    }
    if (gateway != null) {
      WireServer w = wire;
      gateway.exportMemory(
          () -> w.bufferedBytes().total(), () -> w.bufferedBytes().max(), w::sqliteConnectionCount);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              main.stopRequest.complete(null);
              try {
                stopped.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "heliosdb-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      out.println(
          "heliosdb: serving "
              + name
              + " at postgresql://"
              + url(wire.address(), server.listen())
              + " ("
              + server.describe()
              + ")");
      if (gateway != null) {
        out.println(
            "heliosdb: HTTP at http://"
                + url(gateway.address(), http.listen())
                + " ("
                + http.describe()
                + ")");
      }
      db.federation()
          .ifPresent(
              f ->
                  out.println(
                      "heliosdb: federation as node "
                          + f.node()
                          + " through NATS at "
                          + String.join(", ", db.config().federation().natsUrls())
                          + ", sharing "
                          + String.join(", ", db.config().federation().channels().patterns())
                          + (f.connected() ? " (connected)" : " (not connected yet: retrying)")));
      JvmMemory jvm = JvmMemory.current();
      out.println(jvm.startLine(budget, wire.sessionLimit()));
      out.flush();
      String warning = jvm.warning(budget);
      if (warning != null) {
        err.println("heliosdb: " + warning);
      }
      main.stopRequest.join();
    } finally {
      if (gateway != null) {
        gateway.close();
      }
      wire.close();
      // Before the latch: on SIGTERM the JVM halts as soon as the shutdown hook returns.
      out.println("heliosdb: stopped");
      out.flush();
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down: the hook is running and returns now
      }
    }
    return 0;
  }

  /** [server] of the configuration file, then the flags; validated. */
  private ServerConfig serverConfig() {
    Path file = database.configFile();
    ServerConfig.Builder b = file == null ? ServerConfig.builder() : ServerConfig.load(file);
    if (listen != null) {
      b.listen(listen);
    }
    if (port != null) {
      b.port(port);
    }
    if (maxConnections != null) {
      b.maxConnections(maxConnections);
    }
    if (memoryLimitMb != null) {
      b.memoryLimitMb(memoryLimitMb);
    }
    if (auth != null) {
      b.auth(auth);
    }
    if (tlsCert != null) {
      b.tlsCert(tlsCert.toAbsolutePath());
    }
    if (tlsKey != null) {
      b.tlsKey(tlsKey.toAbsolutePath());
    }
    return b.build();
  }

  /** [http] of the configuration file, then the flags; validated. */
  private HttpConfig httpConfig() {
    Path file = database.configFile();
    HttpConfig.Builder b = file == null ? HttpConfig.builder() : HttpConfig.load(file);
    if (httpListen != null) {
      b.listen(httpListen);
    }
    if (httpStatic != null) {
      b.staticDir(httpStatic);
    }
    if (httpPort != null) {
      b.port(httpPort);
    }
    if (noHttp) {
      b.enabled(false);
    }
    return b.build();
  }

  /**
   * What a commit's acknowledgement promises, for the start line: [database] synchronous, and the
   * journal when it is not WAL (docs/durability.md).
   */
  static String durability(HeliosConfig config) {
    return "synchronous = "
        + config.synchronous().configName()
        + (config.enableWal() ? "" : ", rollback journal");
  }

  /** host:port of the bound address; a wildcard (0.0.0.0, ::) as configured, not as bound. */
  private static String url(InetSocketAddress a, String listen) {
    String host = a.getAddress().isAnyLocalAddress() ? listen : a.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
