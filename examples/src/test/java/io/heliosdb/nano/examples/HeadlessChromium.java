package io.heliosdb.nano.examples;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through its chromedriver, so that Selenium Manager has nothing
 * to download. Without them a test is skipped, except on CI (CI=true), where .ci/run installs them
 * and their absence is a failure.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Duration PATIENCE = Duration.ofSeconds(30);

  /**
   * Selenium warns on each start that it has no DevTools classes for this Chromium's version; the
   * tests use none. Held here: java.util.logging keeps loggers only weakly.
   */
  private static final Logger DEVTOOLS_LOG = quiet("org.openqa.selenium.devtools");

  private final WebDriver driver;

  private HeadlessChromium(WebDriver driver) {
    this.driver = driver;
  }

  /** Skips the test (fails it on CI) when Chromium or chromedriver is missing. */
  static void require() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present && "true".equals(System.getenv("CI"))) {
      fail(
          CHROMIUM
              + " and "
              + CHROMEDRIVER
              + " are needed on CI: apt-get install chromium chromium-driver");
    }
    Assumptions.assumeTrue(present, "no " + CHROMIUM + " or " + CHROMEDRIVER + ": skipped");
  }

  /** A browser with a fresh profile in {@code profile}, an empty directory. */
  static HeadlessChromium start(Path profile) {
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toString());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    return new HeadlessChromium(new ChromeDriver(service, options));
  }

  void open(String url) {
    driver.get(url);
  }

  /** The text of the element with {@code id}, as shown. */
  String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  int count(String cssSelector) {
    return driver.findElements(By.cssSelector(cssSelector)).size();
  }

  /** Waits until the element's text is {@code expected}; fails after {@link #PATIENCE}. */
  void awaitText(String id, String expected) {
    await("#" + id + " to read " + expected)
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> text(id), expected::equals);
  }

  /** Waits until {@code cssSelector} matches {@code n} elements; fails after {@link #PATIENCE}. */
  void awaitCount(String cssSelector, int n) {
    await(n + " of " + cssSelector)
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> count(cssSelector), c -> c == n);
  }

  /** Saves what the window shows as a PNG, creating its directory. */
  void screenshot(Path png) throws java.io.IOException {
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.write(png, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
  }

  @Override
  public void close() {
    driver.quit();
  }

  private static Logger quiet(String name) {
    Logger log = Logger.getLogger(name);
    log.setLevel(Level.SEVERE);
    return log;
  }
}
