package io.heliosdb.nano.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void readsEveryUnitAndZeroAlone() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse(" 90 s ")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(Durations.parse("30min")).isEqualTo(Duration.ofMinutes(30));
    assertThat(Durations.parse("12h")).isEqualTo(Duration.ofHours(12));
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
  }

  @Test
  void refusesNumbersWithoutUnitsAndOtherText() {
    assertThat(Durations.parse("60")).isNull();
    assertThat(Durations.parse("-1s")).isNull();
    assertThat(Durations.parse("1.5s")).isNull();
    assertThat(Durations.parse("soon")).isNull();
    assertThat(Durations.parse("5 weeks")).isNull();
  }

  @Test
  void formatsInTheLargestUnitThatDividesIt() {
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2m");
    assertThat(Durations.format(Duration.ofDays(7))).isEqualTo("7d");
  }
}
