package io.heliosdb.nano.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The mailbox's channel set behaves as a sorted set under any sequence of adds and removes. */
class ChannelSetTest {
  @Test
  void agreesWithATreeSetOverRandomAddsAndRemoves() {
    Random random = new Random(7);
    ChannelSet set = new ChannelSet();
    TreeSet<String> model = new TreeSet<>();
    for (int i = 0; i < 20_000; i++) {
      String channel = "c" + random.nextInt(300);
      if (random.nextInt(3) == 0) {
        assertThat(set.remove(channel)).isEqualTo(model.remove(channel));
      } else {
        assertThat(set.add(channel)).isEqualTo(model.add(channel));
      }
      assertThat(set.isEmpty()).isEqualTo(model.isEmpty());
    }
    assertThat(set.toList()).containsExactlyElementsOf(new ArrayList<>(model));
    for (String c : new ArrayList<>(model)) {
      assertThat(set.remove(c)).isTrue();
    }
    assertThat(set.isEmpty()).isTrue();
    assertThat(set.toList()).isEmpty();
  }
}
