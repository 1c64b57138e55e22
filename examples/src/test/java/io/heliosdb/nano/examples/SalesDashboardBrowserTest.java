package io.heliosdb.nano.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard page in headless Chromium: sales inserted over the wire show up in its totals, live
 * and after a reload. Leaves a screenshot in target/screenshots.
 */
class SalesDashboardBrowserTest {
  private static final Path SCREENSHOT = Path.of("target/screenshots/sales-dashboard.png");

  @TempDir Path dir;
  private SalesDashboard dashboard;
  private HeadlessChromium browser;

  @BeforeEach
  void startDashboardAndBrowser() throws Exception {
    HeadlessChromium.require();
    dashboard =
        SalesDashboard.start(
            new SalesDashboard.Options(
                dir.resolve("sales.db"), 0, 0, Path.of("sales-dashboard/web").toAbsolutePath(), 0));
    browser = HeadlessChromium.start(Files.createDirectory(dir.resolve("chromium-profile")));
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (dashboard != null) {
      dashboard.close();
    }
  }

  @Test
  void totalsShowTheSalesInsertedOverTheWire() throws Exception {
    browser.open(dashboard.pageUrl());
    // Subscribed before the sales: they must arrive live, not through a replay.
    browser.awaitText("status", "live");

    insertSales(
        new String[] {"North", "South", "East", "West", "North"},
        new long[] {1999, 25000, 501, 100000, 50});

    browser.awaitText("total-count", "5");
    assertThat(browser.text("total-revenue")).isEqualTo("$1,275.50");
    assertThat(browser.text("average-sale")).isEqualTo("$255.10");
    assertThat(browser.count("#recent tr")).isEqualTo(5);

    browser.screenshot(SCREENSHOT);
    System.out.println("SalesDashboardBrowserTest: screenshot " + SCREENSHOT.toAbsolutePath());
  }

  @Test
  void aPageOpenedLaterShowsTheTotalsSoFar() throws Exception {
    insertSales(new String[] {"East", "East", "West"}, new long[] {1000, 2000, 3000});
    browser.open(dashboard.pageUrl());
    browser.awaitText("total-count", "3");
    assertThat(browser.text("total-revenue")).isEqualTo("$60.00");
  }

  /** Inserts sales as an application would: pgjdbc over the wire protocol. */
  private void insertSales(String[] regions, long[] amountsCents) throws Exception {
    try (Connection pg = DriverManager.getConnection(dashboard.jdbcUrl(), "test", "");
        PreparedStatement insert = pg.prepareStatement(SalesLoadGenerator.INSERT)) {
      for (int i = 0; i < amountsCents.length; i++) {
        insert.setString(1, regions[i]);
        insert.setString(2, "Lamp");
        insert.setLong(3, amountsCents[i]);
        insert.executeUpdate();
      }
    }
  }
}
