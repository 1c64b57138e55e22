package io.heliosdb.nano.spring;

import io.heliosdb.nano.HeliosDB;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.SQLStateSQLExceptionTranslator;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.ObjectMapper;

/**
 * Sends notifications. Inside a Spring transaction ({@code @Transactional}, with the JPA or the
 * JDBC transaction manager) it sends on the transaction's connection, so the notification is
 * delivered when that transaction commits, and never if it rolls back; outside one, at once.
 */
public class HeliosTemplate {
  private static final String NOTIFY = "SELECT pg_notify(?, ?)";

  private final HeliosDB db;
  private final DataSource dataSource;
  private final ObjectMapper json;

  public HeliosTemplate(HeliosDB db, DataSource dataSource, ObjectMapper json) {
    this.db = db;
    this.dataSource = dataSource;
    this.json = json;
  }

  /**
   * Sends {@code payload} on {@code channel}: with the current transaction, or at once.
   *
   * @throws org.springframework.dao.DataAccessException for a bad channel or payload, with
   *     PostgreSQL's SQLSTATE (22023), in a transaction
   * @throws io.heliosdb.nano.HeliosException the same, outside one
   */
  public void notify(String channel, String payload) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      db.pubsub().notify(channel, payload);
      return;
    }
    Connection c = DataSourceUtils.getConnection(dataSource);
    try (PreparedStatement ps = c.prepareStatement(NOTIFY)) {
      ps.setString(1, channel);
      ps.setString(2, payload);
      ps.execute();
    } catch (SQLException e) {
      throw new SQLStateSQLExceptionTranslator().translate("notify", NOTIFY, e);
    } finally {
      DataSourceUtils.releaseConnection(c, dataSource);
    }
  }

  /** Sends {@code payload} written as JSON, for a listener that takes its type. */
  public void convertAndNotify(String channel, Object payload) {
    notify(channel, json.writeValueAsString(payload));
  }
}
