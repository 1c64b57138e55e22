package io.heliosdb.nano.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The files of {@code [http] static_dir}, served read-only at the paths the API does not use: a
 * dashboard page and its scripts next to the events they show, from one origin. Only regular files
 * inside the directory (after resolving links) are served; {@code /} and directories mean their
 * {@code index.html}. Files are read whole, so they are capped at {@link #MAX_FILE_BYTES}.
 */
final class StaticFiles {
  /** Pages, scripts and pictures: a larger file belongs on a web server. */
  static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("htm", "text/html; charset=utf-8"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("mjs", "text/javascript; charset=utf-8"),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("json", "application/json; charset=utf-8"),
          Map.entry("txt", "text/plain; charset=utf-8"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("webp", "image/webp"),
          Map.entry("woff2", "font/woff2"),
          Map.entry("wasm", "application/wasm"));

  private final Path root;

  /**
   * @param root an existing directory
   */
  StaticFiles(Path root) {
    try {
      this.root = root.toRealPath();
    } catch (IOException e) {
      throw new IllegalArgumentException("static_dir " + root + " cannot be read: " + e, e);
    }
  }

  /** The response for the file at {@code path} (already percent-decoded, starting with /). */
  FullHttpResponse get(String path) {
    Path file = resolve(path);
    try {
      if (Files.isDirectory(file)) {
        file = file.resolve("index.html");
      }
      Path real = file.toRealPath();
      if (!real.startsWith(root) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
        throw notFound(path);
      }
      if (Files.size(real) > MAX_FILE_BYTES) {
        throw new HttpError(
            HttpResponseStatus.NOT_FOUND,
            path + " is larger than the gateway serves (" + MAX_FILE_BYTES + " bytes)");
      }
      FullHttpResponse r =
          Responses.body(
              HttpResponseStatus.OK, Unpooled.wrappedBuffer(Files.readAllBytes(real)), type(real));
      // Revalidated on every load: a changed page shows at once, and nothing here is secret.
      r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
      r.headers().set("X-Content-Type-Options", "nosniff");
      return r;
    } catch (NoSuchFileException e) {
      throw notFound(path);
    } catch (IOException e) {
      throw new HttpError(
          HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot read " + path + ": " + e.getMessage());
    }
  }

  /** {@code path} under the root; names that climb out or hide are refused. */
  private Path resolve(String path) {
    Path file = root;
    for (String part : path.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      if (part.startsWith(".") || part.indexOf('\\') >= 0 || part.indexOf('\0') >= 0) {
        throw notFound(path); // "..", ".git", dot files: never served
      }
      file = file.resolve(part);
    }
    return file;
  }

  private static String type(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }

  private static HttpError notFound(String path) {
    return new HttpError(HttpResponseStatus.NOT_FOUND, "no such file: " + path);
  }
}
