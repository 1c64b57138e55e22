package io.heliosdb.nano.cli;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.HeliosDB;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code heliosdb listen}: prints the notifications of durable channels as JSON lines, whichever
 * process on the machine commits them, until interrupted.
 */
@Command(
    name = "listen",
    mixinStandardHelpOptions = true,
    description = {
      "Print notifications of durable channels as JSON lines, from any process writing the"
          + " database file, until interrupted.",
      "Channels must be durable (pubsub.durable_channels of the writers' configuration)."
    })
final class ListenCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;

  @Option(
      names = "--from-id",
      paramLabel = "N",
      description = "First print what was logged after id N (0: all that is kept).")
  Long fromId;

  @Parameters(arity = "1..*", paramLabel = "CHANNEL", description = "Channels, as given to NOTIFY.")
  List<String> channels;

  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (fromId != null && fromId < 0) {
      err.println("heliosdb: --from-id must be 0 or more");
      return Main.EXIT_USAGE;
    }
    HeliosDB db = database.open(err);
    if (db == null) {
      return Main.EXIT_USAGE;
    }
    if (db.config().inMemory()) {
      db.close();
      err.println("heliosdb: listen needs a database file, not :memory:");
      return Main.EXIT_USAGE;
    }
    Thread hook = new Thread(() -> main.stopRequest.complete(null), "heliosdb-listen-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (db;
        HeliosConnection conn = db.connection();
        LogTail tail =
            new LogTail(conn, db.config().path(), channels, fromId == null ? -1 : fromId, out)) {
      tail.run(out, main.stopRequest);
      return 0;
    } catch (SQLException e) {
      String why = e.getMessage().contains("no such table") ? "it has no durable log yet" : null;
      err.println(
          "heliosdb: cannot follow "
              + db.config().path()
              + ": "
              + (why != null ? why : e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")"));
      return Main.EXIT_USAGE;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down: the hook is what stopped the tail
      }
    }
  }
}
