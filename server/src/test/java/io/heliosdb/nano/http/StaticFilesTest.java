package io.heliosdb.nano.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.config.HeliosConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** static_dir: pages next to the API, and nothing outside the directory. */
class StaticFilesTest {
  @TempDir Path dir;
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    Path web = Files.createDirectories(dir.resolve("web"));
    Files.writeString(web.resolve("index.html"), "<h1>dashboard</h1>");
    Files.writeString(web.resolve("app.js"), "console.log('hi')");
    Files.createDirectories(web.resolve("sub"));
    Files.writeString(web.resolve("sub/index.html"), "sub page");
    Files.writeString(web.resolve("été.txt"), "accents");
    Files.writeString(web.resolve(".secret"), "hidden");
    Files.writeString(dir.resolve("outside.txt"), "private");
    Files.createSymbolicLink(web.resolve("link.txt"), dir.resolve("outside.txt"));
    Files.createSymbolicLink(web.resolve("inside.txt"), web.resolve("app.js"));
    server =
        new TestServer(
            HeliosConfig.builder().path(dir.resolve("files.db")).build(),
            HttpConfig.builder().staticDir(web));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void servesTheDirectorysFilesWithTheirTypes() throws Exception {
    HttpResponse<String> root = server.get("/");
    assertThat(root.statusCode()).isEqualTo(200);
    assertThat(root.body()).isEqualTo("<h1>dashboard</h1>");
    assertThat(root.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(root.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    HttpResponse<String> js = server.get("/app.js");
    assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    assertThat(server.get("/sub").body()).isEqualTo("sub page");
    assertThat(server.get("/sub/").body()).isEqualTo("sub page");
    assertThat(server.get("/%C3%A9t%C3%A9.txt").body()).isEqualTo("accents");
    assertThat(server.get("/inside.txt").body()).as("a link inside").contains("console.log");
    assertThat(server.get("/health").body()).contains("\"ready\":true");
  }

  @Test
  void nothingOutsideTheDirectoryNorHiddenIsServed() throws Exception {
    for (String path :
        new String[] {
          "/link.txt",
          "/.secret",
          "/nope.html",
          "/sub/../../outside.txt",
          "/%2E%2E/outside.txt",
          "/..%2Foutside.txt",
          "/sub/%2e%2e/%2e%2e/outside.txt"
        }) {
      HttpResponse<String> r = server.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(r.body()).as(path).doesNotContain("private").doesNotContain("hidden");
    }
    // A raw request line, not normalised by a client.
    try (Socket s = new Socket("127.0.0.1", server.http.port())) {
      OutputStream out = s.getOutputStream();
      out.write(
          "GET /../outside.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 404").doesNotContain("private");
    }
    assertThat(server.post("/index.html", "x").statusCode()).isEqualTo(405);
    assertThat(server.get("/channels").statusCode())
        .as("the API's paths are never files")
        .isEqualTo(404);
    assertThat(server.get("/channels").body()).contains("no such endpoint");
  }
}
