package io.heliosdb.nano.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three edge nodes of examples/edge-node/edge.toml in one JVM, each on its own database file, share
 * critical_alerts through a real nats-server: each prints the other two's alerts and never its own.
 */
class EdgeNodeTest {
  private static final Path CONFIG = Path.of("edge-node/edge.toml");
  private static final List<String> DEVICES = List.of("sensor_001", "sensor_002", "sensor_003");

  @TempDir Path dir;

  @Test
  void eachDevicePrintsTheOthersAlertsAndNotItsOwn() throws Exception {
    List<ByteArrayOutputStream> outputs = new ArrayList<>();
    List<EdgeNode> nodes = new ArrayList<>();
    try (LocalNatsServer nats = LocalNatsServer.start(dir.resolve("nats.log"))) {
      try {
        for (String device : DEVICES) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          outputs.add(out);
          // Threshold below any reading: every reading alerts, five a second.
          EdgeNode.Options options =
              new EdgeNode.Options(
                  CONFIG, dir.resolve(device + ".db"), device, nats.url(), -100, 200);
          nodes.add(EdgeNode.start(options, new PrintStream(out, true, StandardCharsets.UTF_8)));
        }
        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  for (int i = 0; i < DEVICES.size(); i++) {
                    String printed = outputs.get(i).toString(StandardCharsets.UTF_8);
                    for (String other : DEVICES) {
                      if (!other.equals(DEVICES.get(i))) {
                        assertThat(printed)
                            .containsPattern(
                                "(?m)^ALERT from "
                                    + other
                                    + ": temperature = -?\\d+\\.\\d \\(threshold exceeded\\)$");
                      }
                    }
                  }
                });
      } finally {
        nodes.forEach(EdgeNode::close);
      }
    }
    for (int i = 0; i < DEVICES.size(); i++) {
      String device = DEVICES.get(i);
      String printed = outputs.get(i).toString(StandardCharsets.UTF_8);
      assertThat(printed).doesNotContain("ALERT from " + device);
      assertThat(printed).containsPattern("(?m)^" + device + ": temperature = .*, alert sent$");
    }
  }
}
