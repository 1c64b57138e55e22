package io.heliosdb.nano.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.Notification;
import io.heliosdb.nano.spring.shop.OrderPlaced;
import io.heliosdb.nano.spring.shop.OrderRepository;
import io.heliosdb.nano.spring.shop.OrderService;
import io.heliosdb.nano.spring.shop.ShopApplication;
import io.heliosdb.nano.spring.shop.ShopListeners;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

@SpringBootTest(classes = ShopApplication.class)
class HeliosStarterTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) throws IOException {
    Path dir = Files.createTempDirectory("heliosdb-starter");
    registry.add("spring.datasource.url", () -> "jdbc:heliosdb:" + dir.resolve("shop.db"));
  }

  @Autowired OrderService service;
  @Autowired OrderRepository repository;
  @Autowired ShopListeners listeners;
  @Autowired HeliosTemplate helios;
  @Autowired HeliosDB db;
  @Autowired DataSource dataSource;
  @Autowired TransactionTemplate transactions;
  @Autowired MeterRegistry meters;
  @Autowired HeliosHealthIndicator health;
  @Autowired HeliosListenerContainer container;

  @BeforeEach
  void clear() {
    listeners.orders.clear();
    listeners.flaky.clear();
    listeners.raw.clear();
  }

  @Test
  void jpaInsertReachesTheListenerOnlyAfterCommitAsTypedJson() throws Exception {
    AtomicReference<OrderPlaced> seenInsideTransaction = new AtomicReference<>();
    long id =
        service.place(
            "ada",
            12.5,
            () -> {
              try {
                // an open transaction: the listener must not have it, even after a while
                seenInsideTransaction.set(listeners.orders.poll(300, TimeUnit.MILLISECONDS));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(seenInsideTransaction.get()).isNull();
    OrderPlaced received = listeners.orders.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(received).isEqualTo(new OrderPlaced(id, "ada", 12.5));
    assertThat(repository.findById(id)).isPresent();
    assertThat(listeners.listenerThreads.peek()).startsWith("heliosdb-listener-");
  }

  @Test
  void aRolledBackOrderIsNeverAnnounced() throws Exception {
    long before = repository.count();
    assertThatThrownBy(() -> service.place("fail", 1, () -> {}))
        .hasMessageContaining("rolled back on purpose");
    long id = service.place("bob", 2, () -> {});
    // in order on one subscription: had the rolled-back one been sent, it would come first
    assertThat(listeners.orders.poll(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isEqualTo(new OrderPlaced(id, "bob", 2));
    assertThat(listeners.orders).isEmpty();
    assertThat(repository.count()).isEqualTo(before + 1);
  }

  @Test
  void jdbcTemplateWorkAndTheNotificationCommitTogether() throws Exception {
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    jdbc.execute("CREATE TABLE IF NOT EXISTS audit_rows(note TEXT)");
    transactions.executeWithoutResult(
        tx -> {
          jdbc.update("INSERT INTO audit_rows VALUES ('one')");
          helios.notify("raw", "one");
          tx.setRollbackOnly();
        });
    transactions.executeWithoutResult(
        tx -> {
          jdbc.update("INSERT INTO audit_rows VALUES ('two')");
          helios.notify("raw", "two");
        });
    Notification n = listeners.raw.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(n.payload()).isEqualTo("two");
    assertThat(n.channel()).isEqualTo("raw");
    assertThat(jdbc.queryForList("SELECT note FROM audit_rows", String.class))
        .containsExactly("two");
  }

  @Test
  void outsideATransactionTheTemplatePublishesAtOnce() throws Exception {
    helios.notify("raw2", "now");
    assertThat(listeners.raw.poll(WAIT.toSeconds(), TimeUnit.SECONDS).payload()).isEqualTo("now");
  }

  @Test
  void aFailingListenerIsCountedAndGetsTheNextNotification() throws Exception {
    double errorsBefore = listenerErrors();
    helios.notify("flaky", "boom");
    helios.notify("flaky", "fine");
    assertThat(listeners.flaky.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("fine");
    assertThat(listenerErrors()).isEqualTo(errorsBefore + 1);
  }

  private double listenerErrors() {
    return meters
        .get("heliosdb.listener.errors")
        .tag("listener", "shopListeners.onFlaky")
        .functionCounter()
        .count();
  }

  @Test
  void aDurableListenerResumesAfterItsStoredPosition() {
    helios.notify("audit", "a");
    helios.notify("audit", "b");
    await().atMost(WAIT).until(() -> listeners.audited.size() == 2);
    container.stop();
    listeners.audited.clear();
    helios.notify("audit", "while-stopped");
    container.start();
    helios.notify("audit", "after");
    await().atMost(WAIT).until(() -> listeners.audited.size() == 2);
    assertThat(listeners.audited).containsExactly("while-stopped", "after");
    assertThat(
            meters
                .get("heliosdb.consumer.notifications")
                .tag("consumer", "auditor")
                .tag("outcome", "handled")
                .functionCounter()
                .count())
        .isGreaterThanOrEqualTo(4);
  }

  @Test
  void metricsReachTheMeterRegistry() throws Exception {
    double sent = meters.get("heliosdb.notifications.sent").functionCounter().count();
    helios.notify("raw", "counted");
    listeners.raw.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(meters.get("heliosdb.notifications.sent").functionCounter().count())
        .isGreaterThan(sent);
    assertThat(meters.get("heliosdb.notification.latency").timer().count()).isPositive();
  }

  @Test
  void healthIsUpWithTheDatabaseFile() {
    var h = health.health(true);
    assertThat(h.getStatus()).isEqualTo(Status.UP);
    assertThat(h.getDetails().get("database").toString()).endsWith("shop.db");
  }
}
