package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random interleavings of transactions, savepoints, failing statements and rollbacks on three
 * connections deliver exactly the notifications of committed work, in commit order, identical ones
 * of one transaction once. A model of PostgreSQL's rules gives the expected sequence.
 *
 * <p>A seeded generator replaced jqwik (issue 17): each case draws its script from {@code new
 * SplittableRandom(seed)}, with jqwik's sizes and choices. CI runs seeds 1 to 300; a failure names
 * its seed and prints the script. Replay one seed with {@code -Dheliosdb.properties.seed=17}; run
 * longer with {@code -Dheliosdb.properties.cases=10000} (seeds 1 to 10000).
 */
class TransactionPropertiesTest {
  private static final int CASES = 300;
  private static final int MAX_ACTIONS = 60;
  private static final int USUAL_ACTIONS = 17;

  enum Op {
    BEGIN,
    NOTIFY,
    INSERT,
    FAILING_SELECT,
    FAILING_INSERT,
    SAVEPOINT,
    ROLLBACK_TO,
    RELEASE,
    COMMIT,
    ROLLBACK
  }

  record Action(int conn, Op op, int payload) {
    @Override
    public String toString() {
      return "c" + conn + " " + op + " " + payload;
    }
  }

  /** Seeds 1 to {@code heliosdb.properties.cases}, or only {@code heliosdb.properties.seed}. */
  static LongStream seeds() {
    String replay = System.getProperty("heliosdb.properties.seed");
    if (replay != null) {
      return LongStream.of(Long.parseLong(replay.trim()));
    }
    return LongStream.rangeClosed(1, Integer.getInteger("heliosdb.properties.cases", CASES));
  }

  /**
   * The script jqwik drew for {@code @Size(max = 60) List<Action>} at 300 tries: a length up to 17
   * (the square root of the tries) mostly, above it 12% of the time, 60 2% of the time; each action
   * a uniform connection, operation and payload.
   */
  static List<Action> script(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int size;
    if (random.nextDouble() <= 0.02) {
      size = MAX_ACTIONS;
    } else if (random.nextDouble() <= 0.12) {
      size = random.nextInt(USUAL_ACTIONS + 1, MAX_ACTIONS + 1);
    } else {
      size = random.nextInt(USUAL_ACTIONS + 1);
    }
    Op[] ops = Op.values();
    List<Action> script = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      script.add(new Action(random.nextInt(3), ops[random.nextInt(ops.length)], random.nextInt(4)));
    }
    return script;
  }

  /** One connection's transaction as PostgreSQL would see it. */
  static final class Model {
    boolean inTx;
    final List<String> pending = new ArrayList<>();
    final List<Integer> savepoints = new ArrayList<>();

    void commitInto(List<String> delivered) {
      delivered.addAll(new LinkedHashSet<>(pending));
      clear();
    }

    void clear() {
      inTx = false;
      pending.clear();
      savepoints.clear();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void onlyCommittedWorkIsDeliveredInCommitOrder(long seed) {
    List<Action> script = script(seed);
    try {
      run(script);
    } catch (Exception | AssertionError e) {
      throw new AssertionError(
          "seed "
              + seed
              + " failed (replay with -Dheliosdb.properties.seed="
              + seed
              + "): "
              + e.getMessage()
              + "\nscript of "
              + script.size()
              + " actions:\n"
              + script.stream().map(a -> "  " + a).collect(Collectors.joining("\n")),
          e);
    }
  }

  private static void run(List<Action> script) throws Exception {
    try (HeliosDB db = HeliosDB.inMemory();
        Subscription sub = db.pubsub().subscribe("prop")) {
      db.execute("CREATE TABLE rows(k INTEGER PRIMARY KEY, p TEXT)");
      db.execute(
          "CREATE TRIGGER rows_n AFTER INSERT ON rows BEGIN SELECT pg_notify('prop', NEW.p); END");
      db.execute("INSERT INTO rows VALUES (0, 'setup')");
      assertThat(sub.poll(Duration.ofSeconds(5)).payload()).isEqualTo("setup");

      HeliosConnection[] conns = new HeliosConnection[3];
      Model[] models = new Model[3];
      for (int i = 0; i < 3; i++) {
        conns[i] = db.connection();
        models[i] = new Model();
      }
      List<String> expected = new ArrayList<>();
      int nextKey = 1;
      try {
        for (Action a : script) {
          // Only connection 0 writes rows, so no connection waits on another's write lock.
          Op op =
              a.conn() != 0 && (a.op() == Op.INSERT || a.op() == Op.FAILING_INSERT)
                  ? Op.NOTIFY
                  : a.op();
          Model m = models[a.conn()];
          String payload = "c" + a.conn() + "-p" + a.payload();
          try (Statement s = conns[a.conn()].createStatement()) {
            switch (op) {
              case BEGIN -> {
                if (!m.inTx) {
                  s.execute("BEGIN");
                  m.inTx = true;
                }
              }
              case NOTIFY -> {
                notify(conns[a.conn()], payload);
                record(m, payload, expected);
              }
              case INSERT -> {
                try (PreparedStatement ps =
                    conns[0].prepareStatement("INSERT INTO rows VALUES (?, ?)")) {
                  ps.setInt(1, nextKey++);
                  ps.setString(2, payload);
                  ps.executeUpdate();
                }
                record(m, payload, expected);
              }
              case FAILING_SELECT ->
                  expectFailure(
                      s,
                      "SELECT pg_notify('prop', '" + payload + "'), abs(-9223372036854775807 - 1)");
              case FAILING_INSERT ->
                  expectFailure(s, "INSERT INTO rows VALUES (0, '" + payload + "')");
              case SAVEPOINT -> {
                if (m.inTx) {
                  s.execute("SAVEPOINT s" + m.savepoints.size());
                  m.savepoints.add(m.pending.size());
                }
              }
              case ROLLBACK_TO -> {
                if (!m.savepoints.isEmpty()) {
                  int target = a.payload() % m.savepoints.size();
                  s.execute("ROLLBACK TO s" + target);
                  int keep = m.savepoints.get(target);
                  m.pending.subList(keep, m.pending.size()).clear();
                  m.savepoints.subList(target + 1, m.savepoints.size()).clear();
                }
              }
              case RELEASE -> {
                if (!m.savepoints.isEmpty()) {
                  int target = a.payload() % m.savepoints.size();
                  s.execute("RELEASE s" + target);
                  m.savepoints.subList(target, m.savepoints.size()).clear();
                }
              }
              case COMMIT -> {
                if (m.inTx) {
                  s.execute("COMMIT");
                  m.commitInto(expected);
                }
              }
              case ROLLBACK -> {
                if (m.inTx) {
                  s.execute("ROLLBACK");
                  m.clear();
                }
              }
            }
          }
        }
        for (int i = 0; i < 3; i++) {
          if (models[i].inTx) {
            try (Statement s = conns[i].createStatement()) {
              s.execute("COMMIT");
            }
            models[i].commitInto(expected);
          }
        }
      } finally {
        for (HeliosConnection c : conns) {
          c.close();
        }
      }
      db.pubsub().notify("prop", "end");
      List<String> got = new ArrayList<>();
      for (Notification n = sub.poll(Duration.ofSeconds(10));
          ;
          n = sub.poll(Duration.ofSeconds(10))) {
        assertThat(n).as("end marker").isNotNull();
        if (n.payload().equals("end")) {
          break;
        }
        got.add(n.payload());
      }
      assertThat(got).isEqualTo(expected);
    }
  }

  private static void notify(HeliosConnection c, String payload) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify('prop', ?)")) {
      ps.setString(1, payload);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          // consume
        }
      }
    }
  }

  private static void record(Model m, String payload, List<String> expected) {
    if (m.inTx) {
      m.pending.add(payload);
    } else {
      expected.add(payload);
    }
  }

  private static void expectFailure(Statement s, String sql) {
    try {
      try (ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) {
          // consume
        }
      }
      throw new AssertionError("expected failure: " + sql);
    } catch (SQLException expected) {
      // the statement fails; its notifications must not be delivered
    }
  }
}
