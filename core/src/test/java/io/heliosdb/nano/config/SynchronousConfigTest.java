package io.heliosdb.nano.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [database] synchronous} in heliosdb.toml and the builder. */
class SynchronousConfigTest {
  @TempDir Path dir;

  private Path write(String toml) throws IOException {
    return Files.writeString(dir.resolve("heliosdb.toml"), toml);
  }

  @Test
  void readsBothModesInAnyCase() throws IOException {
    assertThat(HeliosConfig.load(write("[database]\nsynchronous = \"normal\"\n")).synchronous())
        .isEqualTo(Synchronous.NORMAL);
    assertThat(HeliosConfig.load(write("[database]\nsynchronous = \"FULL\"\n")).synchronous())
        .isEqualTo(Synchronous.FULL);
    assertThat(HeliosConfig.load(write("")).synchronous()).isEqualTo(Synchronous.FULL);
  }

  @Test
  void aWrongValueFailsWithTheLine() throws IOException {
    assertThatThrownBy(() -> HeliosConfig.load(write("[database]\n\nsynchronous = \"off\"\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith(
            "heliosdb.toml:3: synchronous = \"off\" is not a mode: use \"normal\" or \"full\"");
    assertThatThrownBy(() -> HeliosConfig.load(write("[database]\nsynchronous = 1\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("heliosdb.toml:2: synchronous must be a string");
    assertThatThrownBy(() -> HeliosConfig.load(write("[database]\nsynchronus = \"full\"\n")))
        .hasMessageContaining("did you mean synchronous?");
  }

  @Test
  void normalWithoutWalIsRefusedWithTheLine() throws IOException {
    assertThatThrownBy(
            () ->
                HeliosConfig.load(
                    write("[database]\nenable_wal = false\nsynchronous = \"normal\"\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "heliosdb.toml:3: synchronous = \"normal\" needs enable_wal = true: with the rollback"
                + " journal, SQLite's NORMAL can corrupt the file on a power loss; use \"full\"");
    // In memory there is no file to corrupt.
    assertThat(
            HeliosConfig.load(
                    write(
                        "[database]\npath = \":memory:\"\nenable_wal = false\n"
                            + "synchronous = \"normal\"\n"))
                .synchronous())
        .isEqualTo(Synchronous.NORMAL);
  }

  @Test
  void toBuilderAndToStringKeepTheMode() {
    HeliosConfig c = HeliosConfig.builder().synchronous(Synchronous.NORMAL).build();
    assertThat(c.toBuilder().build().synchronous()).isEqualTo(Synchronous.NORMAL);
    assertThat(c.toString()).contains("enableWal=true, synchronous=normal");
    assertThat(Synchronous.NORMAL.pragmaValue()).isEqualTo(1);
    assertThat(Synchronous.FULL.pragmaValue()).isEqualTo(2);
    assertThat(Synchronous.FULL.pragmaValue(true)).isEqualTo(3);
    assertThat(Synchronous.NORMAL.pragmaValue(true)).isEqualTo(1);
    assertThatThrownBy(() -> HeliosConfig.builder().synchronous(null))
        .isInstanceOf(NullPointerException.class);
  }
}
