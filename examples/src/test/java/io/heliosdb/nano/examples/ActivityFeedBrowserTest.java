package io.heliosdb.nano.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** User 1's feed page in headless Chromium shows user 1's activities, written over the wire. */
class ActivityFeedBrowserTest {
  private static final Path SCREENSHOT = Path.of("target/screenshots/activity-feed.png");

  @TempDir Path dir;
  private ActivityFeed feed;
  private HeadlessChromium browser;

  @BeforeEach
  void start() throws Exception {
    HeadlessChromium.require();
    feed =
        ActivityFeed.start(
            new ActivityFeed.Options(
                dir.resolve("activity.db"),
                0,
                0,
                Path.of("activity-feed/web").toAbsolutePath(),
                2,
                0));
    browser = HeadlessChromium.start(Files.createDirectory(dir.resolve("chromium-profile")));
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (feed != null) {
      feed.close();
    }
  }

  @Test
  void userOnesPageShowsEarlierAndLiveActivitiesOfUserOneOnly() throws Exception {
    try (ActivityWriter writer = new ActivityWriter(feed.jdbcUrl())) {
      writer.record(1, "follow", "before the page opened");
      writer.record(2, "like", "for user two");
      browser.open(feed.feedPageUrl(1));
      browser.awaitText("status", "live");
      writer.record(1, "comment", "while the page is open");

      browser.awaitCount("#feed li", 2);
      assertThat(browser.text("feed"))
          .contains("while the page is open", "before the page opened")
          .doesNotContain("for user two");
      browser.screenshot(SCREENSHOT);
    }
  }
}
