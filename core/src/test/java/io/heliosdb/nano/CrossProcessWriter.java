package io.heliosdb.nano;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The second process of {@link CrossProcessTest}: opens the same file with cross-process delivery,
 * subscribes, prints {@code ready}, waits for {@code go} on standard input, then inserts from two
 * threads while it collects every notification it receives, and writes their payloads to a file.
 */
public final class CrossProcessWriter {
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    Path out = Path.of(args[1]);
    int expected = Integer.parseInt(args[2]);
    int perThread = Integer.parseInt(args[3]);
    try (HeliosDB db = HeliosDB.open(CrossProcessTest.config(file));
        Subscription sub = db.pubsub().subscribe("events")) {
      System.out.println("ready");
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      if (!"go".equals(in.readLine())) {
        return;
      }
      List<Thread> writers = CrossProcessTest.startWriters(db, "child", 2, perThread);
      List<String> received = CrossProcessTest.receive(sub, expected);
      for (Thread t : writers) {
        t.join();
      }
      Files.write(out, received);
      System.out.println("done");
      System.out.flush();
    }
  }

  private CrossProcessWriter() {}
}
