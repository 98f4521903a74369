// What the portal's browser scripts share: the environment they read,
// launching Debian's chromium through playwright-core with every request
// kept on the host under test, named steps, signing in and screenshots.
//
// Environment (portal_browser.py sets it):
//   WEBJOBS_TEST_BASE_URL    the host, such as http://127.0.0.1:8420
//   WEBJOBS_TEST_USER        an admin user and its password
//   WEBJOBS_TEST_PASSWORD
//   WEBJOBS_TEST_SCREENSHOTS folder for screenshots
//   WEBJOBS_TEST_CHROMIUM    the browser (default /usr/bin/chromium)
//   WEBJOBS_TEST_FILES       folder with the files a script uploads, if any
"use strict";

const assert = require("node:assert/strict");
const path = require("node:path");
const { chromium } = require("playwright-core");

const env = {
  baseUrl: process.env.WEBJOBS_TEST_BASE_URL,
  user: process.env.WEBJOBS_TEST_USER,
  password: process.env.WEBJOBS_TEST_PASSWORD,
  screenshots: process.env.WEBJOBS_TEST_SCREENSHOTS,
  files: process.env.WEBJOBS_TEST_FILES || "",
  executablePath: process.env.WEBJOBS_TEST_CHROMIUM || "/usr/bin/chromium",
};

// Generous: the host runs real jobs, and the machine may be busy.
const TIMEOUT_MS = 30000;

async function step(name, action) {
  try {
    return await action();
  } catch (error) {
    error.message = `step "${name}" failed: ${error.message}`;
    throw error;
  }
}

// Launches the browser and opens a page in a context with `locale` and
// `timezoneId` (defaults en-US and Asia/Seoul), 1280 x 800. Requests to
// anything but the host are aborted. Script errors of the page collect in
// `pageErrors`.
async function openBrowser(options = {}) {
  for (const name of ["baseUrl", "user", "password", "screenshots"]) {
    assert.ok(env[name], `missing ${name}: set the WEBJOBS_TEST_* variables`);
  }
  const browser = await chromium.launch({
    executablePath: env.executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({
    locale: options.locale || "en-US",
    timezoneId: options.timezoneId || "Asia/Seoul",
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  await context.route("**/*", (route) => {
    if (route.request().url().startsWith(env.baseUrl + "/")) return route.continue();
    return route.abort();
  });
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  return { browser, context, page, pageErrors };
}

// Signs in through the form and waits for the WebJobs list.
async function signIn(page) {
  await page.goto(env.baseUrl + "/portal/signin");
  await page.locator("#user").fill(env.user);
  await page.locator("#password").fill(env.password);
  await page.locator("#password").press("Enter");
  await page.waitForURL(env.baseUrl + "/portal/");
  await page.locator("h1").waitFor();
}

// Saves a full-page screenshot as `name` in the screenshot folder, after
// emptying the transient status line so the picture shows the page itself.
async function screenshot(page, name) {
  await page.evaluate(() => {
    document.querySelectorAll('[role="status"]').forEach((element) => { element.textContent = ""; });
  });
  await page.screenshot({ path: path.join(env.screenshots, name), fullPage: true });
}

// Asserts that the page is no wider than its viewport.
async function assertFitsWidth(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
}

// Runs `main` and turns a failure into exit status 1 with the stack on stderr.
function run(main) {
  main().catch((error) => {
    console.error(error.stack || String(error));
    process.exit(1);
  });
}

module.exports = { env, TIMEOUT_MS, step, openBrowser, signIn, screenshot, assertFitsWidth, run };
