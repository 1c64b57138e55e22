package io.heliosdb.nano.wire;

import io.heliosdb.nano.config.Durations;
import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.session.Command;
import io.heliosdb.nano.wire.limits.SessionLimits;
import io.heliosdb.nano.wire.types.PgColumn;
import io.heliosdb.nano.wire.types.PgType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A session's run-time parameters: what {@code SET}, {@code RESET} and {@code SHOW} see, which
 * drivers send on their own (pgjdbc: {@code SET extra_float_digits = 3}). SQLite has no such
 * statements, so these never reach it. Any parameter may be set (kept for SHOW, otherwise without
 * effect); client_encoding is checked, since the server speaks UTF-8 only, and
 * idle_session_timeout, idle_in_transaction_session_timeout and lock_timeout (which do take effect;
 * the core reads the last for advisory locks) are read as PostgreSQL reads them. SET LOCAL acts as
 * SET, and a rollback does not undo a SET.
 */
final class SessionSettings {
  private static final Pattern SET =
      Pattern.compile(
          "(?is)SET\\s+(?:(?:SESSION|LOCAL)\\s+)?([A-Za-z_][A-Za-z0-9_.]*)\\s*(?:=|\\s+TO\\s+)\\s*(.*)");
  private static final Pattern SET_TIME_ZONE =
      Pattern.compile("(?is)SET\\s+(?:(?:SESSION|LOCAL)\\s+)?TIME\\s+ZONE\\s+(.*)");

  /** SET forms accepted without effect: transaction modes, role and authorization. */
  private static final Pattern IGNORED_SET =
      Pattern.compile(
          "(?is)SET\\s+(?:(?:SESSION|LOCAL)\\s+)?(TRANSACTION|SESSION\\s+CHARACTERISTICS|ROLE"
              + "|SESSION\\s+AUTHORIZATION|CONSTRAINTS)\\b.*");

  private static final Pattern SHOW =
      Pattern.compile("(?is)SHOW\\s+([A-Za-z_][A-Za-z0-9_.]*(?:\\s+[A-Za-z_]+)*)");

  /** Parameters a client is told about with ParameterStatus when they change (GUC_REPORT). */
  private static final List<String> REPORTED =
      List.of(
          "application_name",
          "client_encoding",
          "DateStyle",
          "integer_datetimes",
          "IntervalStyle",
          "is_superuser",
          "server_encoding",
          "server_version",
          "session_authorization",
          "standard_conforming_strings",
          "TimeZone");

  private final Map<String, String> defaults = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
  private final Map<String, String> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
  private final List<String[]> changed = new ArrayList<>(0);

  /** Timeouts in milliseconds, as PostgreSQL keeps them; 0: none. */
  private static final String IDLE_SESSION = "idle_session_timeout";

  private static final String IDLE_IN_TRANSACTION = "idle_in_transaction_session_timeout";

  /** How long a blocking advisory lock waits (0: [database] busy_timeout_ms); the core reads it. */
  private static final String LOCK_TIMEOUT = "lock_timeout";

  private static final Pattern TIME =
      Pattern.compile("\\s*(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*(us|ms|s|min|h|d)?\\s*");
  private long idleSessionMillis;
  private long idleInTransactionMillis;

  /** The settings of a session of {@code user} that announced {@code applicationName}. */
  SessionSettings(String user, String applicationName) {
    this(user, applicationName, SessionLimits.DEFAULTS);
  }

  /** With the server's idle timeouts as defaults. */
  SessionSettings(String user, String applicationName, SessionLimits limits) {
    defaults.put(IDLE_SESSION, showMillis(limits.idleSessionTimeout().toMillis()));
    defaults.put(
        IDLE_IN_TRANSACTION, showMillis(limits.idleInTransactionSessionTimeout().toMillis()));
    idleSessionMillis = limits.idleSessionTimeout().toMillis();
    idleInTransactionMillis = limits.idleInTransactionSessionTimeout().toMillis();
    defaults.put("application_name", applicationName);
    defaults.put("client_encoding", "UTF8");
    defaults.put("DateStyle", "ISO, MDY");
    defaults.put("default_transaction_isolation", "serializable");
    defaults.put("extra_float_digits", "1");
    defaults.put("integer_datetimes", "on");
    defaults.put("IntervalStyle", "postgres");
    defaults.put("is_superuser", "off");
    defaults.put(LOCK_TIMEOUT, "0");
    defaults.put("max_identifier_length", "63");
    defaults.put("search_path", "\"$user\", public");
    defaults.put("server_encoding", "UTF8");
    defaults.put("server_version", PgSession.SERVER_VERSION);
    defaults.put("server_version_num", "150000");
    defaults.put("session_authorization", user);
    defaults.put("standard_conforming_strings", "on");
    defaults.put("TimeZone", "UTC");
    defaults.put("transaction_isolation", "serializable");
    values.putAll(defaults);
  }

  /**
   * {@code set_config(name, value, is_local)}: as {@code SET name = 'value'} (is_local acts as SET,
   * like SET LOCAL); a reported parameter's change is told by {@link #reportChanges}.
   *
   * @throws IllegalArgumentException for a value SET refuses
   */
  String setConfig(String name, String value) {
    try {
      assign(name, quote(value), this::changed);
      return values.get(name);
    } catch (HeliosSqlException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Keeps a reported parameter's change for {@link #reportChanges}: PostgreSQL sends the
   * ParameterStatus after the statement's CommandComplete.
   */
  private void changed(String name, String value) {
    changed.add(new String[] {name, value});
  }

  /** ParameterStatus for what SET, RESET and set_config() changed since the last call. */
  void reportChanges(QuerySink sink) {
    for (String[] c : changed) {
      sink.parameterStatus(c[0], c[1]);
    }
    changed.clear();
  }

  /** A parameter's value for {@code current_setting(name)}, as SHOW has it; null when unknown. */
  String current(String name) {
    return values.get(name);
  }

  /** idle_session_timeout in milliseconds; 0: none. */
  long idleSessionTimeoutMillis() {
    return idleSessionMillis;
  }

  /** idle_in_transaction_session_timeout in milliseconds; 0: none. */
  long idleInTransactionSessionTimeoutMillis() {
    return idleInTransactionMillis;
  }

  /**
   * A time setting as PostgreSQL reads it: milliseconds without a unit, else us, ms, s, min, h or
   * d, fractions rounded to the millisecond; 22023 when it is not one or does not fit an int4.
   */
  private static long millis(String name, String value) throws HeliosSqlException {
    Matcher m = TIME.matcher(value);
    if (!m.matches()) {
      throw new HeliosSqlException(
          SqlState.INVALID_PARAMETER_VALUE,
          "invalid value for parameter \""
              + name
              + "\": \""
              + value
              + "\" (valid units are \"us\", \"ms\", \"s\", \"min\", \"h\" and \"d\")");
    }
    long unitMicros =
        switch (m.group(2) == null ? "ms" : m.group(2)) {
          case "us" -> 1L;
          case "ms" -> 1_000L;
          case "s" -> 1_000_000L;
          case "min" -> 60_000_000L;
          case "h" -> 3_600_000_000L;
          default -> 86_400_000_000L;
        };
    java.math.BigDecimal ms =
        new java.math.BigDecimal(m.group(1))
            .multiply(java.math.BigDecimal.valueOf(unitMicros))
            .divide(java.math.BigDecimal.valueOf(1000), 0, java.math.RoundingMode.HALF_EVEN);
    if (ms.compareTo(java.math.BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
      throw new HeliosSqlException(
          SqlState.INVALID_PARAMETER_VALUE,
          "invalid value for parameter \""
              + name
              + "\": \""
              + value
              + "\" (value exceeds integer range)");
    }
    return ms.longValueExact();
  }

  /** As SHOW shows a time in milliseconds: in the largest unit that divides it (0, 5s, 2min). */
  private static String showMillis(long ms) {
    return Durations.format(Duration.ofMillis(ms), "min");
  }

  /** Whether a statement with this verb is one of ours (SET, RESET, SHOW). */
  static boolean handles(String verb) {
    return verb.equals("SET") || verb.equals("RESET") || verb.equals("SHOW");
  }

  /** The parameters reported at startup, with their values, in name order. */
  List<String[]> reported() {
    List<String[]> out = new ArrayList<>(REPORTED.size());
    for (String name : REPORTED) {
      out.add(new String[] {name, values.get(name)});
    }
    return out;
  }

  /** Runs a SET, RESET or SHOW statement. */
  void run(String sql, String verb, QuerySink sink) throws HeliosSqlException {
    switch (verb) {
      case "SET" -> set(sql, sink);
      case "RESET" -> reset(sql, sink);
      default -> show(sql, sink);
    }
  }

  private void set(String sql, QuerySink sink) throws HeliosSqlException {
    Matcher tz = SET_TIME_ZONE.matcher(sql);
    Matcher m = SET.matcher(sql);
    if (tz.matches()) {
      assign("TimeZone", tz.group(1), this::changed);
    } else if (IGNORED_SET.matcher(sql).matches()) {
      // accepted: SQLite's transactions are serializable whatever is asked
    } else if (m.matches()) {
      assign(m.group(1), m.group(2), this::changed);
    } else {
      throw new HeliosSqlException(SqlState.SYNTAX_ERROR, "syntax error in SET: " + sql);
    }
    sink.commandComplete("SET");
  }

  private void assign(String name, String rawValue, BiConsumer<String, String> report)
      throws HeliosSqlException {
    String value = unquote(rawValue.strip());
    if (value.equalsIgnoreCase("DEFAULT")) {
      value = defaults.getOrDefault(name, "");
    }
    if (name.equalsIgnoreCase("client_encoding")) {
      String e = value.toUpperCase(Locale.ROOT).replace("-", "");
      if (!e.equals("UTF8") && !e.equals("UNICODE")) {
        throw new HeliosSqlException(
            SqlState.FEATURE_NOT_SUPPORTED,
            "client_encoding \"" + value + "\" is not supported: this server speaks UTF8 only");
      }
      value = "UTF8";
    }
    if (name.equalsIgnoreCase(IDLE_SESSION)) {
      idleSessionMillis = millis(IDLE_SESSION, value);
      value = showMillis(idleSessionMillis);
    } else if (name.equalsIgnoreCase(IDLE_IN_TRANSACTION)) {
      idleInTransactionMillis = millis(IDLE_IN_TRANSACTION, value);
      value = showMillis(idleInTransactionMillis);
    } else if (name.equalsIgnoreCase(LOCK_TIMEOUT)) {
      value = showMillis(millis(LOCK_TIMEOUT, value));
    }
    String previous = values.put(name, value);
    String canonical = canonicalName(name);
    if (canonical != null && !value.equals(previous)) {
      report.accept(canonical, value);
    }
  }

  private void reset(String sql, QuerySink sink) throws HeliosSqlException {
    Command c = Command.parse(sql);
    if (c.type() == Command.Type.RESET_ALL) {
      resetAll(this::changed);
    } else if (c.type() == Command.Type.RESET) {
      assign(c.name(), quote(defaults.getOrDefault(c.name(), "")), this::changed);
    } else {
      throw new HeliosSqlException(SqlState.SYNTAX_ERROR, "syntax error in RESET: " + sql);
    }
    sink.commandComplete("RESET");
  }

  /**
   * RESET ALL (and DISCARD ALL's): every parameter back to its session default, a changed reported
   * one told to {@code report}; a parameter without a default (one only SET made) is left empty, as
   * PostgreSQL leaves a custom one.
   */
  void resetAll(BiConsumer<String, String> report) throws HeliosSqlException {
    for (String name : new ArrayList<>(values.keySet())) {
      if (!defaults.containsKey(name)) {
        values.put(name, "");
      }
    }
    for (String name : defaults.keySet()) {
      assign(name, quote(defaults.get(name)), report);
    }
  }

  private void show(String sql, QuerySink sink) throws HeliosSqlException {
    String name = showName(sql);
    sink.rowDescription(showColumns(sql));
    if (name.equalsIgnoreCase("ALL")) {
      values.forEach((k, v) -> sink.dataRow(new String[] {k, v}));
    } else {
      sink.dataRow(new String[] {values.get(name)});
    }
    sink.commandComplete("SHOW");
  }

  /** The columns a SHOW statement answers with (for Describe); its errors as SHOW's. */
  List<PgColumn> showColumns(String sql) throws HeliosSqlException {
    String name = showName(sql);
    if (name.equalsIgnoreCase("ALL")) {
      return List.of(new PgColumn("name", PgType.TEXT), new PgColumn("setting", PgType.TEXT));
    }
    String label = canonicalName(name);
    return List.of(
        new PgColumn(label == null ? name.toLowerCase(Locale.ROOT) : label, PgType.TEXT));
  }

  /** The parameter a SHOW names (or ALL); an unknown one is an error. */
  private String showName(String sql) throws HeliosSqlException {
    Matcher m = SHOW.matcher(sql.strip());
    if (!m.matches()) {
      throw new HeliosSqlException(SqlState.SYNTAX_ERROR, "syntax error in SHOW: " + sql);
    }
    String name = m.group(1).replaceAll("\\s+", " ");
    if (name.equalsIgnoreCase("ALL")) {
      return name;
    }
    if (name.equalsIgnoreCase("TRANSACTION ISOLATION LEVEL")) {
      name = "transaction_isolation";
    } else if (name.equalsIgnoreCase("TIME ZONE")) {
      name = "TimeZone";
    }
    if (!values.containsKey(name)) {
      throw new HeliosSqlException(
          SqlState.UNDEFINED_OBJECT, "unrecognized configuration parameter \"" + name + "\"");
    }
    return name;
  }

  /** The reported parameter's spelling (DateStyle, TimeZone, ...), or null if not reported. */
  private static String canonicalName(String name) {
    for (String r : REPORTED) {
      if (r.equalsIgnoreCase(name)) {
        return r;
      }
    }
    return null;
  }

  /** A value as written: 'text' with '' for a quote, "text", or a bare word, number or list. */
  private static String unquote(String v) {
    if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
      return v.substring(1, v.length() - 1).replace("''", "'");
    }
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }

  private static String quote(String v) {
    return "'" + v.replace("'", "''") + "'";
  }
}
