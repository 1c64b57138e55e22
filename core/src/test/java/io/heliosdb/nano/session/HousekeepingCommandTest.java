package io.heliosdb.nano.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.heliosdb.nano.error.HeliosSqlException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How DEALLOCATE, CLOSE, DISCARD and RESET are classified, with PostgreSQL's identifier rules. */
class HousekeepingCommandTest {

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "DEALLOCATE _pg3_0                | DEALLOCATE        | _pg3_0",
        "deallocate prepare S_1;          | DEALLOCATE        | s_1",
        "DEALLOCATE \"S_1\"               | DEALLOCATE        | S_1",
        "DEALLOCATE ALL                   | DEALLOCATE_ALL    | -",
        "DEALLOCATE PREPARE ALL ;         | DEALLOCATE_ALL    | -",
        "CLOSE c1                         | CLOSE             | c1",
        "CLOSE \"All\"                    | CLOSE             | All",
        "close all                        | CLOSE_ALL         | -",
        "DISCARD ALL                      | DISCARD_ALL       | -",
        "DISCARD PLANS                    | DISCARD_PLANS     | -",
        "DISCARD TEMP                     | DISCARD_TEMP      | -",
        "discard temporary;               | DISCARD_TEMP      | -",
        "DISCARD SEQUENCES                | DISCARD_SEQUENCES | -",
        "RESET ALL                        | RESET_ALL         | -",
        "RESET DateStyle                  | RESET             | datestyle",
        "RESET myapp.Tenant               | RESET             | myapp.tenant",
        "RESET TIME ZONE                  | RESET             | TimeZone",
        "RESET SESSION AUTHORIZATION      | RESET             | session_authorization",
        "RESET TRANSACTION ISOLATION LEVEL | RESET            | transaction_isolation",
        "RESET ROLE                       | RESET             | role",
      })
  void classified(String sql, Command.Type type, String name) throws Exception {
    Command c = Command.parse(sql);
    assertThat(c.type()).isEqualTo(type);
    assertThat(c.name()).isEqualTo(name);
    assertThat(c.isSessionStatement()).isTrue();
    assertThat(c.isNotificationStatement()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "DEALLOCATE",
        "DEALLOCATE \"\"",
        "DEALLOCATE a b",
        "DEALLOCATE ALL x",
        "CLOSE",
        "CLOSE 'c'",
        "DISCARD",
        "DISCARD foo",
        "DISCARD ALL now",
        "RESET",
        "RESET TIME",
        "RESET a.",
        "RESET a b"
      })
  void malformedIsASyntaxError(String sql) {
    HeliosSqlException e = catchThrowableOfType(() -> Command.parse(sql), HeliosSqlException.class);
    assertThat((Object) e).as(sql).isNotNull();
    assertThat(e.getSQLState()).isEqualTo("42601");
  }
}
