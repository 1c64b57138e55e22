package io.heliosdb.nano.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Channel and node names as NATS subject tokens, and the envelope's round trip and refusals. */
class EnvelopeTest {
  @Test
  void anyNameBecomesOneTokenAndComesBack() {
    for (String name :
        new String[] {"alerts", "Site A.zone *1 é>", "a%b", "tab\there", "日本", "x.y.z", ">"}) {
      String token = Subjects.encode(name);
      assertThat(token).matches("[A-Za-z0-9_%-]+");
      assertThat(Subjects.decode(token)).isEqualTo(name);
    }
    assertThat(Subjects.encode("critical_alerts")).isEqualTo("critical_alerts");
    assertThat(new Subjects("heliosdb").subject(Subjects.LIVE, "sensor 1", "a.b"))
        .isEqualTo("heliosdb.n.sensor%201.a%2Eb");
  }

  @Test
  void theEnvelopeRoundTripsAndRefusesWhatIsNotOne() {
    Envelope e = new Envelope("sensor_001", 4242, 17, "Site A.zone", "line 1\nline 2 é");
    assertThat(Envelope.decode(e.encode())).isEqualTo(e);
    assertThat(Envelope.decode(new Envelope("n", 1, 0, "c", "").encode()).payload()).isEmpty();
    for (String bad :
        new String[] {
          "",
          "no line break",
          "HDB2 n 1 0 c\nx",
          "HDB1 n x 0 c\nx",
          "HDB1 n 1 -1 c\nx",
          "HDB1 n 1 0\nx",
          "HDB1 n%Z 1 0 c\nx",
          "HDB1 n%FF 1 0 c\nx",
          "HDB1 n 1 0 c extra\nx"
        }) {
      assertThat(Envelope.decode(bad.getBytes(StandardCharsets.UTF_8))).as(bad).isNull();
    }
  }
}
