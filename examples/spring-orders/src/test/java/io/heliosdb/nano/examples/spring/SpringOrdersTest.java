package io.heliosdb.nano.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Starts the service on a free port and places orders over HTTP, as a client would. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SpringOrdersTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) throws IOException {
    Path dir = Files.createTempDirectory("spring-orders");
    registry.add("spring.datasource.url", () -> "jdbc:heliosdb:" + dir.resolve("orders.db"));
  }

  @LocalServerPort int port;
  @Autowired Fulfilment fulfilment;
  @Autowired OrderRepository orders;

  @Test
  void aPostedOrderIsSavedAndReachesTheListener() throws Exception {
    HttpResponse<String> created = post("{\"customer\":\"ada\",\"amount\":12.5}");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.body()).contains("\"customer\":\"ada\"");
    String location = created.headers().firstValue("Location").orElseThrow();
    long id = Long.parseLong(location.substring("/orders/".length()));
    assertThat(orders.findById(id).orElseThrow().getCustomer()).isEqualTo("ada");
    await().atMost(Duration.ofSeconds(10)).until(() -> fulfilment.handled().contains(id));
  }

  @Test
  void aRefusedOrderIsNeitherSavedNorAnnounced() throws Exception {
    long before = orders.count();
    assertThat(post("{\"customer\":\"\",\"amount\":1}").statusCode()).isEqualTo(400);
    assertThat(orders.count()).isEqualTo(before);
    HttpResponse<String> next = post("{\"customer\":\"bob\",\"amount\":3}");
    assertThat(next.statusCode()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(10)).until(() -> fulfilment.handled().size() == before + 1);
    assertThat(fulfilment.handled()).hasSize((int) before + 1);
  }

  @Test
  void healthShowsTheDatabase() throws Exception {
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"heliosdb\"").contains("orders.db");
  }

  private HttpResponse<String> post(String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/orders"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
