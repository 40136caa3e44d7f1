package io.oauthmail.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium, driven through Debian's chromedriver by Selenium. Both paths are given explicitly so
 * that Selenium Manager never runs: it would try to download a browser or a driver, and only Maven Central and
 * Debian are reachable here. Without the packages the calling test class is skipped, saying how to install them.
 */
final class Chromium implements AutoCloseable {

    static final String INSTALL = "apt-get install --no-install-recommends chromium chromium-driver";
    private static final Path BROWSER = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final Path screenshots;

    private Chromium(ChromeDriver driver, Path screenshots) {
        this.driver = driver;
        this.screenshots = screenshots;
    }

    /** Starts a headless Chromium with a desktop-sized window, or skips the test class if Debian's is not installed. */
    static Chromium start(Path screenshots) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER),
                "browser tests skipped: no " + BROWSER + " or " + DRIVER + "; install them with: " + INSTALL);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        // --no-sandbox: Chromium's sandbox refuses to run as root, which CI and this machine are.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                "--no-first-run", "--disable-extensions");
        Files.createDirectories(screenshots);
        return new Chromium(new ChromeDriver(service, options), screenshots);
    }

    WebDriver driver() {
        return driver;
    }

    /** Waits until the page shows every one of {@code texts} (navigations and the resume page take a moment). */
    void seen(String... texts) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(driver.findElement(By.tagName("body"))
                .getText()).contains(texts));
    }

    /** The accounts table's row of {@code account}. */
    WebElement row(String account) {
        return driver.findElement(By.xpath("//tr[td[1][contains(., '" + account + "')]]"));
    }

    /** Saves what the window shows as {@code target/screenshots/NAME.png}; returns the file. */
    Path screenshot(String name) throws IOException {
        Path file = screenshots.resolve(name + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    /** Like {@link #screenshot}, as a phone of {@code width}x{@code height} CSS pixels (viewport meta honoured). */
    Path phoneScreenshot(String name, int width, int height) throws IOException {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 2, "mobile", true));
        try {
            driver.navigate().refresh();
            return screenshot(name);
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
