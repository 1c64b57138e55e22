package io.heliosdb.nano.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.WithLength;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing (Jazzer) of heliosdb.toml's reader: whatever a file holds, loading it
 * gives a configuration or a {@link ConfigException} naming the file, never another exception.
 * Inputs are kept to 4 KiB: tomlj's error recovery takes minutes on some malformed files of 100 KiB
 * (a local file, written by the operator: not an input a client can send).
 *
 * <p>{@code ./mvnw verify} replays the committed corpus ({@code TomlConfigFuzzTestInputs} in the
 * test resources); {@code bench/fuzz.sh} fuzzes for as long as it is given.
 */
class TomlConfigFuzzTest {
  private static Path dir;
  private static Path file;

  @BeforeAll
  static void createFile() throws IOException {
    dir = Files.createTempDirectory("toml-fuzz");
    file = dir.resolve("heliosdb.toml");
  }

  @AfterAll
  static void removeFile() throws IOException {
    Files.deleteIfExists(file);
    Files.deleteIfExists(dir);
  }

  @FuzzTest(maxDuration = "2m")
  void load(@WithLength(max = 4096) byte[] text) throws IOException {
    Files.write(file, text);
    try {
      HeliosConfig config = TomlConfigLoader.load(file).build();
      assertThat(config).isNotNull();
    } catch (ConfigException e) {
      assertThat(e.getMessage()).startsWith(file.toString());
    }
  }
}
