// Drives the WebJobs list page in Debian's chromium through
// playwright-core. The steps: sign in, see the deployed jobs, run one with
// arguments, stop and start a continuous job, and delete one from its
// action menu after a confirmation. Then switch to Korean, check the narrow layout, and sign out.
// browser.js lists the environment. Prints one JSON line at the end:
// {"session_cookie": "..."}, so the caller can check that the host never
// logged it. Exits non-zero with the failed step on stderr.
"use strict";

const assert = require("node:assert/strict");
const path = require("node:path");
const { env, TIMEOUT_MS, step, openBrowser, screenshot, run } = require("./browser");

const { baseUrl, user, password, screenshots } = env;

function row(page, type, name) {
  return page.locator(`tr[data-job="${type}/${name}"]`);
}

function cellOf(rowLocator, index) {
  return rowLocator.locator("th, td").nth(index);
}

// Clicks Refresh until `predicate` of the row's text holds: the page also
// refreshes by itself, but not on a fixed schedule the test should rely on.
async function waitForRowText(page, rowLocator, predicate, description) {
  const deadline = Date.now() + TIMEOUT_MS * 2;
  let text = "";
  while (Date.now() < deadline) {
    text = (await rowLocator.count()) ? await rowLocator.innerText() : "";
    if (predicate(text)) return text;
    await page.getByRole("button", { name: /^(Refresh|새로 고침)$/ }).click();
    await page.waitForTimeout(300);
  }
  throw new Error(`timed out waiting for ${description}; last row text: ${JSON.stringify(text)}`);
}

async function main() {
  const { browser, context, page, pageErrors } = await openBrowser();
  try {
    await step("open the portal without a session", async () => {
      await page.goto(baseUrl + "/");
      await page.waitForURL(/\/portal\/signin\?next=/);
      await page.getByRole("heading", { name: "Sign in to WebJobs" }).waitFor();
    });

    await step("save the sign-in screenshots", async () => {
      await screenshot(page, "portal-signin-en.png");
      await page.getByLabel("Language").selectOption("ko");
      await page.getByRole("heading", { name: "WebJobs에 로그인" }).waitFor();
      await screenshot(page, "portal-signin-ko.png");
      await page.getByLabel("언어").selectOption("en");
      await page.getByRole("heading", { name: "Sign in to WebJobs" }).waitFor();
    });

    await step("reject a wrong password", async () => {
      await page.getByLabel("User name").fill(user);
      await page.getByLabel("Password").fill("not the password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").filter({ hasText: "Wrong user name or password." }).waitFor();
    });

    await step("sign in", async () => {
      await page.getByLabel("Password").fill(password);
      await page.getByLabel("Password").press("Enter");
      await page.waitForURL(baseUrl + "/portal/");
      await page.getByRole("heading", { name: "WebJobs", level: 1 }).waitFor();
    });

    const hello = row(page, "triggered", "hello");
    const daemon = row(page, "continuous", "daemon");
    await step("see the deployed jobs", async () => {
      await hello.waitFor();
      assert.equal(await cellOf(hello, 0).innerText(), "hello");
      assert.equal(await hello.getByRole("link", { name: "hello" }).getAttribute("href"),
                   "/portal/jobs/triggered/hello");
      assert.equal(await cellOf(hello, 1).innerText(), "Triggered");
      assert.equal(await cellOf(hello, 2).innerText(), "Ready");
      assert.equal(await cellOf(hello, 3).innerText(), "0 0 3 * * *");
      // The next 03:00 UTC is 12:00 in Seoul, in the en-US format.
      assert.match(await cellOf(hello, 4).innerText(), /^[A-Z][a-z]{2} \d{1,2}, \d{4}, 12:00:00\sPM$/);
      assert.equal(await cellOf(hello, 5).innerText(), "Never run");
      await daemon.waitFor();
      assert.equal(await cellOf(daemon, 1).innerText(), "Continuous");
      assert.equal(await cellOf(daemon, 2).innerText(), "Running");
      assert.equal(await cellOf(daemon, 3).innerText(), "Always running");
      await page.getByText("Times are shown in the time zone Asia/Seoul.").waitFor();
    });

    await step("run a job with arguments from the keyboard", async () => {
      const runButton = page.getByRole("button", { name: "Run hello" });
      await runButton.focus();
      await page.keyboard.press("Enter");
      const dialog = page.getByRole("dialog", { name: "Run hello" });
      await dialog.waitFor();
      // Escape closes the dialog without running anything.
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "hidden" });
      await runButton.focus();
      await page.keyboard.press("Enter");
      await dialog.getByLabel("Arguments (optional)").fill("from-portal world");
      await page.keyboard.press("Enter");
      await page.getByRole("status").filter({ hasText: "Run of hello started." }).waitFor();
      await waitForRowText(page, hello, (text) => text.includes("Success"), "the run to succeed");
      assert.match(await cellOf(hello, 5).innerText(), /^Success\s+[A-Z][a-z]{2} \d{1,2}, \d{4}/);
    });

    await step("open a job's pages from the list and come back", async () => {
      await page.getByRole("link", { name: "hello", exact: true }).click();
      await page.waitForURL(baseUrl + "/portal/jobs/triggered/hello");
      await page.getByRole("heading", { level: 1, name: "hello" }).waitFor();
      await page.getByRole("heading", { name: "Run history" }).waitFor();
      await page.getByRole("link", { name: "Settings of hello" }).click();
      await page.waitForURL(baseUrl + "/portal/jobs/triggered/hello/settings");
      await page.getByLabel("CRON expression", { exact: true }).waitFor();
      assert.equal(await page.getByLabel("CRON expression", { exact: true }).inputValue(),
                   "0 0 3 * * *");
      await page.locator(".breadcrumb").getByRole("link", { name: "WebJobs" }).click();
      await page.waitForURL(baseUrl + "/portal/");
      await page.getByRole("link", { name: "daemon", exact: true }).click();
      await page.waitForURL(baseUrl + "/portal/jobs/continuous/daemon");
      await page.getByRole("heading", { level: 1, name: "daemon" }).waitFor();
      await page.goBack();
      await page.waitForURL(baseUrl + "/portal/");
      await hello.waitFor();
    });

    await step("show the portal's page for an unknown address", async () => {
      await page.goto(baseUrl + "/portal/no-such-page");
      await page.getByRole("heading", { name: "Page not found", level: 1 }).waitFor();
      await page.getByRole("link", { name: "Back to the WebJobs list" }).click();
      await page.waitForURL(baseUrl + "/portal/");
      await hello.waitFor();
    });

    await step("stop and start a continuous job", async () => {
      await page.getByRole("button", { name: "Stop daemon" }).click();
      await waitForRowText(page, daemon, (text) => text.includes("Stopped"), "daemon to stop");
      await page.getByRole("button", { name: "Start daemon" }).click();
      await waitForRowText(page, daemon, (text) => text.includes("Running"), "daemon to run");
    });

    await step("delete a job after confirming", async () => {
      const scratch = row(page, "triggered", "scratch");
      const menuButton = page.getByRole("button", { name: "More actions for scratch" });
      await menuButton.click();
      await page.getByRole("menuitem", { name: "Delete…" }).click();
      const dialog = page.getByRole("dialog", { name: "Delete WebJob" });
      await dialog.getByText("Delete scratch with its files and run history?").waitFor();
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await dialog.waitFor({ state: "hidden" });
      assert.equal(await scratch.count(), 1, "Cancel must keep the job");
      await menuButton.click();
      await page.getByRole("menuitem", { name: "Delete…" }).click();
      await dialog.getByRole("button", { name: "Delete" }).click();
      await page.getByRole("status").filter({ hasText: "scratch was deleted." }).waitFor();
      await scratch.waitFor({ state: "detached" });
    });

    await step("save the English screenshot", async () => {
      await page.getByRole("status").evaluate((element) => { element.textContent = ""; });
      await page.screenshot({ path: path.join(screenshots, "portal-jobs-en.png"), fullPage: true });
    });

    await step("switch to Korean", async () => {
      await page.getByLabel("Language").selectOption("ko");
      await page.getByRole("columnheader", { name: "이름" }).waitFor();
      assert.equal(await page.locator("html").getAttribute("lang"), "ko");
      assert.equal(await cellOf(hello, 1).innerText(), "트리거");
      assert.equal(await cellOf(daemon, 1).innerText(), "연속");
      assert.equal(await cellOf(daemon, 2).innerText(), "실행 중");
      await page.getByRole("button", { name: "hello 실행" }).waitFor();
      await page.getByText("시간은 Asia/Seoul 표준 시간대로 표시됩니다.").waitFor();
      // Dates follow the Korean locale: "2026. 12. 5. 오후 12:00:00".
      assert.match(await cellOf(hello, 4).innerText(), /^\d{4}\. \d{1,2}\. \d{1,2}\. 오후 12:00:00$/);
      assert.match(await cellOf(hello, 5).innerText(), /^성공\s+\d{4}\. /);
    });

    await step("keep Korean after a reload", async () => {
      await page.reload();
      await page.getByRole("columnheader", { name: "마지막 실행" }).waitFor();
      assert.equal(await page.getByLabel("언어").inputValue(), "ko");
      await page.screenshot({ path: path.join(screenshots, "portal-jobs-ko.png"), fullPage: true });
    });

    await step("fit a 390 px wide screen", async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await hello.waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
      await page.getByRole("button", { name: "hello 실행" }).waitFor();
      await page.getByRole("button", { name: "hello 동작 더 보기" }).waitFor();
      await page.screenshot({ path: path.join(screenshots, "portal-jobs-ko-390.png"), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 800 });
    });

    const cookie = (await context.cookies()).find((entry) => entry.name === "webjobs_session");
    await step("check the session cookie's attributes", async () => {
      assert.ok(cookie, "no webjobs_session cookie");
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, "Strict");
      assert.equal(await page.evaluate(() => document.cookie.includes("webjobs_session")), false);
    });

    await step("sign out", async () => {
      await page.getByRole("button", { name: "로그아웃" }).click();
      await page.waitForURL(/\/portal\/signin$/);
      await page.getByRole("heading", { name: "WebJobs에 로그인" }).waitFor();
      const response = await context.request.get(baseUrl + "/api/webjobs", {
        headers: { Cookie: `webjobs_session=${cookie.value}` },
      });
      assert.equal(response.status(), 401, "the ended session must not read the API");
    });

    assert.deepEqual(pageErrors, [], "the pages raised script errors");
    console.log(JSON.stringify({ session_cookie: cookie.value }));
  } finally {
    await browser.close();
  }
}

run(main);
