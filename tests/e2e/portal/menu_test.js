// Drives the action menus and the filter of the WebJobs list page in
// Debian's chromium through playwright-core. It opens a row's menu from the
// keyboard, moves through it with the arrow keys, Home and End, and closes
// it with Escape, Tab and a click outside. It checks where Logs, Settings
// and the job names lead. It runs a triggered job, stops and starts a
// continuous one and deletes one from their menus, and filters the rows by
// name with the "/" shortcut. It also checks the menus of a read-only and
// an operate user, and the menu on a 390 px screen.
// browser.js lists the environment; test_portal_menu.py creates the users
// READ_USER and OPERATE_USER. Exits non-zero with the failed step on stderr.
"use strict";

const assert = require("node:assert/strict");
const {
  env, TIMEOUT_MS, step, openBrowser, signIn, screenshot, assertFitsWidth, run,
} = require("./browser");

const { baseUrl } = env;
const READ_USER = { name: "reader", password: "reader-password-1" };
const OPERATE_USER = { name: "operator", password: "operator-password-1" };

function row(page, type, name) {
  return page.locator(`tr[data-job="${type}/${name}"]`);
}

function menuButton(page, name) {
  return page.getByRole("button", { name: `More actions for ${name}` });
}

function openMenu(page) {
  return page.getByRole("menu");
}

// The accessible name of the focused element.
async function focusedText(page) {
  return page.evaluate(() => (document.activeElement ? document.activeElement.textContent.trim() : ""));
}

async function menuTexts(page) {
  return (await openMenu(page).getByRole("menuitem").allInnerTexts()).map((text) => text.trim());
}

// Clicks Refresh until `predicate` of the row's text holds: the page also
// refreshes by itself, but not on a fixed schedule the test should rely on.
async function waitForRowText(page, rowLocator, predicate, description) {
  const deadline = Date.now() + TIMEOUT_MS * 2;
  let text = "";
  while (Date.now() < deadline) {
    text = (await rowLocator.count()) ? await rowLocator.innerText() : "";
    if (predicate(text)) return text;
    await page.getByRole("button", { name: "Refresh" }).click();
    await page.waitForTimeout(300);
  }
  throw new Error(`timed out waiting for ${description}; last row text: ${JSON.stringify(text)}`);
}

async function signInAs(page, account) {
  await page.goto(baseUrl + "/portal/signin");
  await page.getByLabel("User name").fill(account.name);
  await page.getByLabel("Password").fill(account.password);
  await page.getByLabel("Password").press("Enter");
  await page.waitForURL(baseUrl + "/portal/");
  await row(page, "triggered", "hello").waitFor();
}

async function signOut(page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/portal\/signin$/);
}

async function main() {
  const { browser, page, pageErrors } = await openBrowser();
  try {
    await step("sign in", async () => {
      await signIn(page);
      await row(page, "triggered", "hello").waitFor();
      await row(page, "continuous", "daemon").waitFor();
    });

    await step("link each name to the job's page", async () => {
      assert.equal(await page.getByRole("link", { name: "hello", exact: true }).getAttribute("href"),
                   "/portal/jobs/triggered/hello");
      assert.equal(await page.getByRole("link", { name: "daemon", exact: true }).getAttribute("href"),
                   "/portal/jobs/continuous/daemon");
    });

    const button = menuButton(page, "hello");
    await step("open the menu with ArrowDown", async () => {
      assert.equal(await button.getAttribute("aria-haspopup"), "menu");
      assert.equal(await button.getAttribute("aria-expanded"), "false");
      await button.focus();
      await page.keyboard.press("ArrowDown");
      await openMenu(page).waitFor();
      assert.equal(await button.getAttribute("aria-expanded"), "true");
      assert.equal(await openMenu(page).getAttribute("id"), await button.getAttribute("aria-controls"));
      assert.deepEqual(await menuTexts(page), ["Run…", "Logs", "Settings", "Delete…"]);
      assert.equal(await focusedText(page), "Run…");
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute("role")), "menuitem");
    });

    await step("move with the arrow keys, Home and End", async () => {
      await page.keyboard.press("ArrowDown");
      assert.equal(await focusedText(page), "Logs");
      await page.keyboard.press("End");
      assert.equal(await focusedText(page), "Delete…");
      await page.keyboard.press("ArrowDown");
      assert.equal(await focusedText(page), "Run…", "ArrowDown on the last item wraps to the first");
      await page.keyboard.press("ArrowUp");
      assert.equal(await focusedText(page), "Delete…", "ArrowUp on the first item wraps to the last");
      await page.keyboard.press("Home");
      assert.equal(await focusedText(page), "Run…");
      await page.keyboard.press("s");
      assert.equal(await focusedText(page), "Settings", "a letter moves to the item it starts");
    });

    await step("close with Escape and return focus to the button", async () => {
      await page.keyboard.press("Escape");
      await openMenu(page).waitFor({ state: "hidden" });
      assert.equal(await button.getAttribute("aria-expanded"), "false");
      assert.equal(await button.evaluate((element) => element === document.activeElement), true);
    });

    await step("open with Enter and Space, close with Tab", async () => {
      await page.keyboard.press("Enter");
      await openMenu(page).waitFor();
      assert.equal(await focusedText(page), "Run…");
      await page.keyboard.press("Tab");
      await openMenu(page).waitFor({ state: "hidden" });
      assert.equal(await button.getAttribute("aria-expanded"), "false");
      await button.focus();
      await page.keyboard.press(" ");
      await openMenu(page).waitFor();
      assert.equal(await focusedText(page), "Run…");
      await page.keyboard.press("Escape");
      await page.keyboard.press("ArrowUp");
      await openMenu(page).waitFor();
      assert.equal(await focusedText(page), "Delete…", "ArrowUp opens on the last item");
      await page.keyboard.press("Escape");
    });

    await step("close with a click outside", async () => {
      await button.click();
      await openMenu(page).waitFor();
      await page.getByRole("heading", { name: "WebJobs", level: 1 }).click();
      await openMenu(page).waitFor({ state: "hidden" });
      assert.equal(await button.getAttribute("aria-expanded"), "false");
    });

    await step("save the screenshot with the menu open", async () => {
      await button.click();
      await openMenu(page).waitFor();
      await screenshot(page, "portal-jobs-menu-en.png");
      await page.keyboard.press("Escape");
    });

    await step("point Logs and Settings to the job's pages", async () => {
      for (const [type, name] of [["triggered", "hello"], ["continuous", "daemon"]]) {
        await menuButton(page, name).click();
        const menu = openMenu(page);
        assert.equal(await menu.getByRole("menuitem", { name: "Logs" }).getAttribute("href"),
                     `/portal/jobs/${type}/${name}`);
        assert.equal(await menu.getByRole("menuitem", { name: "Settings" }).getAttribute("href"),
                     `/portal/jobs/${type}/${name}/settings`);
        await page.keyboard.press("Escape");
        await menu.waitFor({ state: "hidden" });
      }
    });

    await step("run a job from the menu", async () => {
      await button.focus();
      await page.keyboard.press("Enter");
      await page.keyboard.press("Enter");
      const dialog = page.getByRole("dialog", { name: "Run hello" });
      await dialog.waitFor();
      await dialog.getByLabel("Arguments (optional)").fill("from-menu");
      await page.keyboard.press("Enter");
      await page.getByRole("status").filter({ hasText: "Run of hello started." }).waitFor();
      await dialog.waitFor({ state: "hidden" });
      assert.equal(await focusedText(page), "⋯More actions for hello",
                   "focus returns to the menu button after the dialog");
      await waitForRowText(page, row(page, "triggered", "hello"),
                           (text) => text.includes("Success"), "the run to succeed");
    });

    await step("stop and start a continuous job from the menu", async () => {
      const daemon = row(page, "continuous", "daemon");
      await menuButton(page, "daemon").click();
      assert.deepEqual(await menuTexts(page), ["Stop", "Logs", "Settings", "Delete…"]);
      await openMenu(page).getByRole("menuitem", { name: "Stop" }).click();
      await waitForRowText(page, daemon, (text) => text.includes("Stopped"), "daemon to stop");
      await menuButton(page, "daemon").click();
      await openMenu(page).getByRole("menuitem", { name: "Start" }).click();
      await waitForRowText(page, daemon, (text) => text.includes("Running"), "daemon to run");
    });

    await step("delete a job from the menu", async () => {
      const scratch = row(page, "triggered", "scratch");
      await menuButton(page, "scratch").click();
      await openMenu(page).getByRole("menuitem", { name: "Delete…" }).click();
      const dialog = page.getByRole("dialog", { name: "Delete WebJob" });
      await dialog.getByRole("button", { name: "Delete" }).click();
      await page.getByRole("status").filter({ hasText: "scratch was deleted." }).waitFor();
      await scratch.waitFor({ state: "detached" });
    });

    await step("filter the rows with the / shortcut", async () => {
      const filter = page.getByLabel("Filter by name");
      await page.locator("h1").click();
      await page.keyboard.press("/");
      assert.equal(await filter.evaluate((element) => element === document.activeElement), true);
      assert.equal(await filter.inputValue(), "", "the shortcut itself is not typed");
      await page.keyboard.type("DAE");
      assert.equal(await row(page, "continuous", "daemon").isVisible(), true);
      assert.equal(await row(page, "triggered", "hello").isVisible(), false);
      // A slash typed in the box is text, not the shortcut.
      await page.keyboard.type("/");
      assert.equal(await filter.inputValue(), "DAE/");
      await page.getByText("No WebJob name contains “DAE/”.").waitFor();
      assert.equal(await row(page, "continuous", "daemon").isVisible(), false);
      await page.keyboard.press("Escape");
      assert.equal(await filter.inputValue(), "");
      assert.equal(await row(page, "triggered", "hello").isVisible(), true);
      assert.equal(await row(page, "continuous", "daemon").isVisible(), true);
      assert.equal(await page.getByText(/No WebJob name contains/).isVisible(), false);
    });

    await step("fit the open menu on a 390 px screen in Korean", async () => {
      await page.getByLabel("Language").selectOption("ko");
      await page.getByRole("columnheader", { name: "이름" }).waitFor();
      await page.setViewportSize({ width: 390, height: 844 });
      // The card layout hides filtered rows too.
      await page.getByLabel("이름으로 필터").fill("hel");
      assert.equal(await row(page, "continuous", "daemon").isVisible(), false);
      assert.equal(await row(page, "triggered", "hello").isVisible(), true);
      await page.getByLabel("이름으로 필터").fill("");
      assert.equal(await row(page, "continuous", "daemon").isVisible(), true);
      const koreanButton = page.getByRole("button", { name: "hello 동작 더 보기" });
      await koreanButton.click();
      await openMenu(page).waitFor();
      assert.deepEqual(await menuTexts(page), ["실행…", "로그", "설정", "삭제…"]);
      await assertFitsWidth(page);
      const box = await openMenu(page).boundingBox();
      assert.ok(box.x >= 0, `the menu starts at ${box.x} px, left of the screen`);
      assert.ok(box.x + box.width <= 390, `the menu ends at ${box.x + box.width} px, past the screen`);
      await page.keyboard.press("Escape");
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.getByLabel("언어").selectOption("en");
      await page.getByRole("columnheader", { name: "Name" }).waitFor();
    });

    await step("offer an operate user no Delete", async () => {
      await signOut(page);
      await signInAs(page, OPERATE_USER);
      await menuButton(page, "hello").click();
      assert.deepEqual(await menuTexts(page), ["Run…", "Logs", "Settings"]);
      await page.keyboard.press("Escape");
    });

    await step("offer a read-only user only Logs and Settings", async () => {
      await signOut(page);
      await signInAs(page, READ_USER);
      assert.equal(await page.getByRole("button", { name: "Run hello" }).count(), 0);
      assert.equal(await page.getByRole("button", { name: "Stop daemon" }).count(), 0);
      for (const name of ["hello", "daemon"]) {
        await menuButton(page, name).click();
        assert.deepEqual(await menuTexts(page), ["Logs", "Settings"]);
        await page.keyboard.press("Escape");
      }
    });

    assert.deepEqual(pageErrors, [], "the page raised script errors");
  } finally {
    await browser.close();
  }
}

run(main);
