package io.heliosdb.nano.cli;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.wire.PgFrameDecoder;
import io.heliosdb.nano.wire.WireServer;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
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
 * Loopback only in this version: authentication is trust and there is no TLS.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the database over the PostgreSQL wire protocol (psql, pgjdbc, psycopg, node-postgres)"
          + " until SIGTERM or SIGINT.",
      "Simple and extended query protocols (pgjdbc in its default mode); trust authentication,"
          + " loopback addresses only."
    })
final class ServeCommand implements Callable<Integer> {

  @Mixin DatabaseOptions database;

  @Option(
      names = "--listen",
      paramLabel = "ADDR",
      defaultValue = "127.0.0.1",
      description =
          "Address to listen on; a loopback address in this version (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(
      names = "--port",
      paramLabel = "N",
      defaultValue = "" + WireServer.Options.DEFAULT_PORT,
      description =
          "TCP port (default: ${DEFAULT-VALUE}, clear of a local PostgreSQL on 5432); 0 picks a"
              + " free one.")
  int port;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      defaultValue = "" + WireServer.Options.DEFAULT_MAX_CONNECTIONS,
      description =
          "Sessions at once; more are refused with SQLSTATE 53300 (default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String problem = checkLoopback(listen);
    if (problem != null) {
      err.println("heliosdb: " + problem);
      return Main.EXIT_USAGE;
    }
    HeliosDB db = database.open(err);
    if (db == null) {
      return Main.EXIT_USAGE;
    }
    String name = db.config().inMemory() ? "an in-memory database" : db.config().path().toString();
    WireServer server;
    try {
      server =
          WireServer.start(
              db,
              new WireServer.Options(
                  listen, port, maxConnections, PgFrameDecoder.DEFAULT_MAX_MESSAGE_BYTES));
    } catch (Exception e) {
      // Netty throws a bind failure (java.net.BindException) without declaring it.
      err.println("heliosdb: cannot listen on " + listen + ":" + port + ": " + Main.oneLine(e));
      return Main.EXIT_USAGE;
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
              + url(server.address())
              + " (trust authentication, loopback only)");
      out.flush();
      main.stopRequest.join();
    } finally {
      server.close();
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down: the hook is running and returns now
      }
    }
    out.println("heliosdb: stopped");
    return 0;
  }

  /** Null when {@code address} is a loopback address, else why it is refused. */
  static String checkLoopback(String address) {
    try {
      if (InetAddress.getByName(address).isLoopbackAddress()) {
        return null;
      }
      return "--listen "
          + address
          + " is not a loopback address: this version has no authentication and no TLS,"
          + " so it serves 127.0.0.1, ::1 or localhost only";
    } catch (UnknownHostException e) {
      return "--listen " + address + ": unknown host";
    }
  }

  private static String url(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
