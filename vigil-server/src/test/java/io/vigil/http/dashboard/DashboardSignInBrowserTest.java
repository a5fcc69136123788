package io.vigil.http.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.server.RunningServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard behind token sign-in ({@code http.auth.tokens}), in headless Chromium: the page asks for a token when
 * the API answers 401 and keeps it in the tab's sessionStorage; with a {@code read} token it shows everything, and
 * when a change answers 403 it turns read-only (the forms go away); with no pull side configured its page says so;
 * an {@code admin} token creates a silence.
 * Skipped without the browser, failed under CI (see {@link DashboardBrowserTest}).
 */
class DashboardSignInBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path dir;
    static RunningServer vigil;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String why = "headless Chromium is not installed: apt-get install chromium chromium-driver";
            if (System.getenv("CI") != null) throw new AssertionError("under CI the browser test must run: " + why);
            Assumptions.abort("skipped: " + why);
        }
        vigil = RunningServer.start(dir, """
                http:
                  auth:
                    tokens:
                      - {name: viewer, role: read, token: read-secret-1}
                      - {name: operator, role: admin, token: admin-secret-1}
                monitors:
                  - {eventName: Heartbeat_locked, heartbeatInterval: 10m, missedHeartbeats: 3, timeBase: arrival}
                publish:
                  - type: log
                """);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--disable-extensions", "--no-first-run");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build(), options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (vigil != null) vigil.close();
    }

    private static void signIn(String token) {
        WebElement dialog = browser.findElement(By.id("signin"));
        await().atMost(Duration.ofSeconds(15)).until(() -> dialog.getAttribute("open") != null);
        dialog.findElement(By.name("token")).sendKeys(token);
        dialog.findElement(By.tagName("button")).click();
    }

    private static JsonNode silencesAsAdmin() {
        var r = RunningServer.send(HttpRequest.newBuilder(URI.create(vigil.url("/api/v1/silences")))
                .header("Authorization", "Bearer admin-secret-1").build());
        assertThat(r.statusCode()).isEqualTo(200);
        return RunningServer.json(r.body()).path("silences");
    }

    private static void createSilence(String comment) {
        browser.get(vigil.url("/#/silences"));
        WebElement form = browser.findElement(By.id("silence-form"));
        await().atMost(Duration.ofSeconds(15)).until(form::isDisplayed);
        form.findElement(By.name("eventName")).sendKeys("Heartbeat_locked");
        form.findElement(By.name("sourceName")).sendKeys("db-*");
        form.findElement(By.name("comment")).sendKeys(comment);
        form.findElement(By.id("silence-create")).click();
    }

    @Test
    void theDashboardAsksForATokenAndARoleThatMayOnlyReadHidesTheForms() {
        assertThat(vigil.get("/api/v1/status").statusCode()).isEqualTo(401);
        browser.get(vigil.url("/"));
        signIn("read-secret-1");
        await().atMost(Duration.ofSeconds(15)).until(() -> browser.findElement(By.id("summary")).getText().contains("MONITORS"));
        assertThat(((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('vigil.token')")).isEqualTo("read-secret-1");

        createSilence("tried by a reader");
        await().atMost(Duration.ofSeconds(15)).until(() -> browser.findElement(By.tagName("body")).getAttribute("class").contains("read-only"));
        assertThat(browser.findElement(By.id("silence-form")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("readonly")).isDisplayed()).isTrue();
        assertThat(silencesAsAdmin()).noneMatch(s -> s.path("comment").asText().equals("tried by a reader"));

        browser.get(vigil.url("/#/pull"));
        await().atMost(Duration.ofSeconds(15)).until(() -> browser.findElement(By.id("pull-missing")).isDisplayed());

        browser.findElement(By.id("signout")).click();
        await().atMost(Duration.ofSeconds(15)).until(() ->
                ((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('vigil.token')") == null);
        signIn("admin-secret-1");
        createSilence("set by an operator");
        await().atMost(Duration.ofSeconds(15)).until(() ->
                silencesAsAdmin().findValuesAsText("comment").contains("set by an operator"));
    }
}
