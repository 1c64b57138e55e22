package io.heliosdb.nano.engine;

/** What SQL functions registered by the engine may ask of the session that owns the connection. */
public interface SessionView {
  /** The session's process id, recorded as the sender of its durable notifications. */
  int pid();

  /** Channels this session listens to, as a JSON array of strings. */
  String listeningChannelsJson();

  /** Fraction (0 to 1) of the fullest notification queue of this database. */
  double notificationQueueUsage();

  /** The user name {@code current_user} and {@code session_user} report. */
  String user();

  /** A run-time parameter's value for {@code current_setting(name)}; null when there is none. */
  String setting(String name);

  /**
   * {@code set_config(name, value, is_local)}: sets a run-time parameter and returns its new value.
   *
   * @throws IllegalArgumentException with the message to report when the value is refused
   */
  String setSetting(String name, String value);
}
