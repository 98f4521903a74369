// Drives the Add WebJob and Settings pages in Debian's chromium through
// playwright-core. It opens Add from the list and checks that an invalid
// name, a taken name, an invalid CRON expression and an unknown time zone
// are reported beside their fields in English and in Korean. It adds a
// scheduled triggered job with a time zone and a continuous single-instance
// job from real zips (the progress bar reaches 100%), and checks that a
// package without a script is rejected beside the file field. Then it
// changes the schedule on the Settings page and checks the read-only view.
//
// WEBJOBS_TEST_FILES contains nightly.zip, worker.zip, noscript.zip and
// reader.json ({"user", "password"} of a user with the read role).
// browser.js lists the rest of the environment. Prints one JSON line at
// the end with what the API returned after each step, for the caller to
// check. Exits non-zero with the failed step on stderr.
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { env, step, openBrowser, signIn, screenshot, assertFitsWidth, run } = require("./browser");

const { baseUrl } = env;
const PROGRESS_KEY = "webjobs-test-max-progress";

// Records the highest value the upload progress bar reaches in
// sessionStorage, which survives the page's move to the new job's page.
function recordProgress(key) {
  document.addEventListener("DOMContentLoaded", () => {
    const bar = document.getElementById("upload-progress");
    if (!bar) return;
    new MutationObserver(() => {
      const value = Number(bar.getAttribute("value"));
      if (value > Number(sessionStorage.getItem(key) || 0)) sessionStorage.setItem(key, String(value));
    }).observe(bar, { attributes: true, attributeFilter: ["value"] });
  });
}

async function apiJson(page, apiPath) {
  const response = await page.request.get(baseUrl + apiPath);
  assert.equal(response.status(), 200, `GET ${apiPath}: ${await response.text()}`);
  return response.json();
}

function field(page, id) {
  return page.locator(`#${id}`);
}

async function expectFieldError(page, id, text) {
  await field(page, `${id}-error`).filter({ hasText: text }).waitFor();
}

async function switchLanguage(page, language, headingText) {
  await page.locator("#language").selectOption(language);
  await page.getByRole("heading", { level: 1, name: headingText }).waitFor();
}

// Fills the form and submits it, then waits for the new job's page. The
// job pages may not exist in this build, so only the address is checked.
async function addJob(page, { name, file, type, scale, schedule, timeZone }) {
  await page.goto(baseUrl + "/portal/new");
  await page.getByRole("heading", { level: 1, name: "Add WebJob" }).waitFor();
  await page.evaluate((key) => sessionStorage.removeItem(key), PROGRESS_KEY);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("File upload").setInputFiles(path.join(env.files, file));
  await page.getByRole("radio", { name: type === "triggered" ? "Triggered" : "Continuous" }).check();
  if (scale) await page.getByRole("radio", { name: scale }).check();
  if (schedule) {
    await page.getByRole("radio", { name: "Scheduled" }).check();
    await page.getByLabel("CRON expression", { exact: true }).fill(schedule);
    await page.getByLabel("Time zone", { exact: true }).fill(timeZone || "");
  }
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await page.waitForURL(`${baseUrl}/portal/jobs/${type}/${name}`);
  // The job's own page opens: its name as the heading and in the breadcrumb.
  await page.getByRole("heading", { level: 1, name }).waitFor();
  await page.locator(".breadcrumb").getByRole("link", { name }).waitFor();
  return Number(await page.evaluate((key) => sessionStorage.getItem(key), PROGRESS_KEY));
}

async function main() {
  const reader = JSON.parse(fs.readFileSync(path.join(env.files, "reader.json"), "utf8"));
  const summary = {};
  const { browser, context, page, pageErrors } = await openBrowser();
  await context.addInitScript(recordProgress, PROGRESS_KEY);
  try {
    await step("sign in and open Add from the list", async () => {
      await signIn(page);
      await page.getByRole("link", { name: "Add", exact: true }).click();
      await page.waitForURL(baseUrl + "/portal/new");
      await page.getByRole("heading", { level: 1, name: "Add WebJob" }).waitFor();
      const crumbs = page.getByRole("navigation", { name: "Breadcrumb" });
      await crumbs.getByRole("link", { name: "WebJobs" }).waitFor();
      assert.equal(await crumbs.locator('[aria-current="page"]').innerText(), "Add WebJob");
    });

    await step("report invalid and taken names while typing", async () => {
      const name = page.getByLabel("Name");
      await name.pressSequentially("nightly job");
      await expectFieldError(page, "name", "A name cannot contain spaces. Use - or _ instead.");
      assert.equal(await name.getAttribute("aria-invalid"), "true");
      await name.fill("-nightly");
      await expectFieldError(page, "name", "A name must start with a letter or digit, not “-”.");
      await name.fill("night.ly");
      await expectFieldError(page, "name", "“.” is not allowed in a name.");
      await name.fill("x".repeat(256));
      await expectFieldError(page, "name", "The name is 256 bytes long; the limit is 255 bytes.");
      await name.fill("EXISTING");
      await expectFieldError(page, "name", "A WebJob named existing (Triggered) already exists.");
      await name.fill("nightly");
      await page.waitForFunction(() => document.getElementById("name-error").textContent === "");
      assert.equal(await name.getAttribute("aria-invalid"), null);
      await name.fill("nightly job");
    });

    await step("report an invalid CRON expression", async () => {
      await page.getByRole("radio", { name: "Triggered" }).check();
      assert.equal(await page.getByRole("radio", { name: "Single instance" }).isVisible(), false);
      await page.getByRole("radio", { name: "Scheduled" }).check();
      await page.getByText("Empty: the host's default time zone, UTC.").waitFor();
      await page.getByLabel("CRON expression", { exact: true }).fill("0 0 * * * * *");
      await expectFieldError(page, "schedule",
        "A CRON expression has six fields (second minute hour day month day-of-week), but this one has 7.");
      await page.getByLabel("CRON expression", { exact: true }).fill("0 0 25 * * *");
      await expectFieldError(page, "schedule", "This CRON expression is not valid.");
      await expectFieldError(page, "schedule", "in the hour field is out of range");
      assert.equal(await page.locator("#schedule-preview").isVisible(), false);
    });

    await step("show the same errors in Korean", async () => {
      await switchLanguage(page, "ko", "WebJob 추가");
      await expectFieldError(page, "name", "이름에는 공백을 쓸 수 없습니다. 대신 -나 _를 쓰세요.");
      await expectFieldError(page, "schedule", "CRON 식이 올바르지 않습니다.");
      await page.getByLabel("CRON 식", { exact: true }).fill("0 0 * * * * *");
      await expectFieldError(page, "schedule",
        "CRON 식은 필드 6개(초 분 시 일 월 요일)로 이루어지는데, 입력한 식은 필드가 7개입니다.");
      await page.getByLabel("CRON 식", { exact: true }).fill("0 0 ? * * *");
      await expectFieldError(page, "schedule", "시 필드에 “?”은(는) 쓸 수 없습니다.");
      await page.getByLabel("이름").fill("-x");
      await expectFieldError(page, "name", "이름은 “-”(으)로 시작할 수 없습니다.");
      await switchLanguage(page, "en", "Add WebJob");
      await expectFieldError(page, "schedule", "“?” is not allowed in the hour field.");
    });

    await step("report an unknown time zone", async () => {
      await page.getByLabel("CRON expression", { exact: true }).fill("0 30 2 * * *");
      await page.getByLabel("Time zone", { exact: true }).fill("Mars/Olympus");
      await expectFieldError(page, "time-zone", "The host does not know this time zone.");
      await expectFieldError(page, "time-zone", "unknown time zone 'Mars/Olympus'");
      await page.getByLabel("Time zone", { exact: true }).fill("Korea Standard Time");
      await page.getByText("Read as Asia/Seoul.").waitFor();
    });

    await step("preview the next runs in the chosen time zone", async () => {
      await page.getByLabel("Name").fill("nightly");
      await page.getByLabel("File upload").setInputFiles(path.join(env.files, "nightly.zip"));
      await page.getByLabel("Common CRON expressions").selectOption({ label: "Weekdays at 09:30 \u2014 0 30 9 * * 1-5" });
      assert.equal(await page.getByLabel("CRON expression", { exact: true }).inputValue(), "0 30 9 * * 1-5");
      await page.getByLabel("CRON expression", { exact: true }).fill("0 30 2 * * *");
      await page.getByLabel("Time zone", { exact: true }).fill("America/New_York");
      await page.getByRole("heading", { name: "Next 5 runs (America/New_York)" }).waitFor();
      const runs = await page.locator("#schedule-preview li").allInnerTexts();
      assert.equal(runs.length, 5, `expected five runs, got ${JSON.stringify(runs)}`);
      // 02:30 every day, or 03:00 on the day clocks jump over 02:30.
      for (const text of runs) assert.match(text, /\b[23]:[03]0:00\sAM E[SD]T \(UTC-0[45]:00\)/);
      const options = await page.locator("#time-zones option").evaluateAll(
        (list) => list.map((option) => option.value));
      assert.ok(options.includes("Asia/Seoul"), "the time zone suggestions lack Asia/Seoul");
      assert.ok(options.includes("UTC"), "the time zone suggestions lack UTC");
      await assertFitsWidth(page);
      await screenshot(page, "portal-add-en.png");
    });

    await step("take the Korean screenshots", async () => {
      await switchLanguage(page, "ko", "WebJob 추가");
      await page.getByRole("heading", { name: "다음 실행 5회(America/New_York)" }).waitFor();
      await screenshot(page, "portal-add-ko.png");
      await page.setViewportSize({ width: 390, height: 844 });
      await assertFitsWidth(page);
      await screenshot(page, "portal-add-ko-390.png");
      await page.setViewportSize({ width: 1280, height: 800 });
      await switchLanguage(page, "en", "Add WebJob");
    });

    await step("add a scheduled triggered job", async () => {
      summary.nightly_progress = await addJob(page, {
        name: "nightly", file: "nightly.zip", type: "triggered",
        schedule: "0 30 2 * * *", timeZone: "America/New_York",
      });
      assert.equal(summary.nightly_progress, 100, "the progress bar must reach 100%");
      // The job's page names the zone its schedule runs in.
      await page.getByText("Schedule 0 30 2 * * * in the time zone America/New_York", { exact: false })
        .waitFor();
      summary.nightly_after_add = await apiJson(page, "/api/triggeredwebjobs/nightly/settings");
    });

    await step("add a continuous single-instance job", async () => {
      summary.worker_progress = await addJob(page, {
        name: "worker", file: "worker.zip", type: "continuous", scale: "Single instance",
      });
      assert.equal(summary.worker_progress, 100, "the progress bar must reach 100%");
      summary.worker_after_add = await apiJson(page, "/api/continuouswebjobs/worker/settings");
    });

    await step("report a package without a script beside the file field", async () => {
      await page.goto(baseUrl + "/portal/new");
      await page.getByLabel("Name").fill("broken");
      await page.getByLabel("File upload").setInputFiles(path.join(env.files, "noscript.zip"));
      await page.getByRole("radio", { name: "Triggered" }).check();
      await page.getByRole("button", { name: "Add", exact: true }).click();
      await expectFieldError(page, "file", "The host rejected the file.");
      await expectFieldError(page, "file", "no runnable script");
      assert.equal(await page.getByLabel("File upload").getAttribute("aria-invalid"), "true");
      assert.equal(new URL(page.url()).pathname, "/portal/new");
      await page.getByRole("button", { name: "Add", exact: true }).waitFor();
      assert.equal(await page.getByRole("button", { name: "Add", exact: true }).isEnabled(), true);
    });

    await step("report a missing file and schedule on submit", async () => {
      await page.goto(baseUrl + "/portal/new");
      await page.getByLabel("Name").fill("empty-form");
      await page.getByRole("radio", { name: "Triggered" }).check();
      await page.getByRole("radio", { name: "Scheduled" }).check();
      await page.getByRole("button", { name: "Add", exact: true }).click();
      await expectFieldError(page, "file", "Choose a .zip file or a script file.");
      await expectFieldError(page, "schedule", "Enter a CRON expression, or choose Manual.");
    });

    await step("change the schedule on the Settings page", async () => {
      await page.goto(baseUrl + "/portal/jobs/triggered/nightly/settings");
      await page.getByRole("heading", { level: 1, name: "Settings of nightly" }).waitFor();
      const crumbs = page.getByRole("navigation", { name: "Breadcrumb" });
      assert.deepEqual(await crumbs.getByRole("listitem").allInnerTexts(), ["WebJobs", "nightly", "Settings"]);
      assert.equal(await crumbs.getByRole("link", { name: "nightly" }).getAttribute("href"),
        "/portal/jobs/triggered/nightly");
      const schedule = page.getByLabel("CRON expression", { exact: true });
      await page.waitForFunction(() => document.getElementById("schedule").value !== "");
      assert.equal(await schedule.inputValue(), "0 30 2 * * *");
      assert.equal(await page.getByLabel("Time zone", { exact: true }).inputValue(), "America/New_York");
      assert.equal(await page.getByLabel("Overlapping runs").inputValue(), "");
      await page.getByRole("heading", { name: "Next 5 runs (America/New_York)" }).waitFor();

      await page.getByLabel("Stopping wait time (seconds)").fill("-5");
      await page.getByRole("button", { name: "Save" }).click();
      await expectFieldError(page, "stopping-wait-time", "Enter a whole number of seconds from 0 to 2147483647");

      await page.getByLabel("Stopping wait time (seconds)").fill("45");
      await schedule.fill("0 15 4 * * 1-5");
      await page.getByLabel("Time zone", { exact: true }).fill("");
      await page.getByLabel("Overlapping runs").selectOption("queue_one");
      await page.getByText("One new run waits until the active run has ended").waitFor();
      await page.getByLabel("Missed runs").selectOption("latest");
      await page.getByLabel("Catch-up window (seconds)").fill("3600");
      await page.getByRole("heading", { name: "Next 5 runs (UTC)" }).waitFor();
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByRole("status").filter({ hasText: "Settings saved." }).waitFor();
      summary.nightly_after_settings = await apiJson(page, "/api/triggeredwebjobs/nightly/settings");
      summary.nightly_job_after_settings = await apiJson(page, "/api/triggeredwebjobs/nightly");
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByRole("status").filter({ hasText: "Nothing has changed." }).waitFor();
      await page.getByText("history_size").waitFor();
      await assertFitsWidth(page);
      await screenshot(page, "portal-settings-en.png");
    });

    await step("show the Settings page in Korean", async () => {
      await switchLanguage(page, "ko", "nightly 설정");
      await page.getByLabel("실행 중복 처리").waitFor();
      await page.getByRole("heading", { name: "다음 실행 5회(UTC)" }).waitFor();
      await screenshot(page, "portal-settings-ko.png");
      await page.setViewportSize({ width: 390, height: 844 });
      await assertFitsWidth(page);
      await page.setViewportSize({ width: 1280, height: 800 });
      await switchLanguage(page, "en", "Settings of nightly");
    });

    await step("clear a setting on the Settings page", async () => {
      await page.getByLabel("Missed runs").selectOption("");
      await page.getByLabel("Catch-up window (seconds)").fill("");
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByRole("status").filter({ hasText: "Settings saved." }).waitFor();
      summary.nightly_after_clear = await apiJson(page, "/api/triggeredwebjobs/nightly/settings");
    });

    await step("show a continuous job's settings", async () => {
      await page.goto(baseUrl + "/portal/jobs/continuous/worker/settings");
      await page.getByRole("heading", { level: 1, name: "Settings of worker" }).waitFor();
      await page.waitForFunction(() => !document.getElementById("settings-form").hidden);
      assert.equal(await page.getByRole("radio", { name: "Single instance" }).isChecked(), true);
      assert.equal(await page.getByLabel("CRON expression", { exact: true }).isVisible(), false);
      assert.equal(await page.getByLabel("Stopping wait time (seconds)").getAttribute("placeholder"), "5");
    });

    await step("report an unknown job on the Settings page", async () => {
      await page.goto(baseUrl + "/portal/jobs/triggered/nosuchjob/settings");
      await page.getByRole("alert").filter({ hasText: "No WebJob nosuchjob of type Triggered was found." }).waitFor();
    });

    assert.deepEqual(pageErrors, [], "the pages raised script errors");
  } finally {
    await browser.close();
  }

  const readOnly = await openBrowser();
  try {
    const readerPage = readOnly.page;
    await step("sign in as a reader", async () => {
      await readerPage.goto(baseUrl + "/portal/signin");
      await readerPage.locator("#user").fill(reader.user);
      await readerPage.locator("#password").fill(reader.password);
      await readerPage.locator("#password").press("Enter");
      await readerPage.waitForURL(baseUrl + "/portal/");
      await readerPage.locator("#signed-in-user").filter({ hasText: reader.user }).waitFor();
      assert.equal(await readerPage.getByRole("link", { name: "Add", exact: true }).count(), 0,
        "a reader must not see Add");
    });

    await step("tell a reader that adding needs the admin role", async () => {
      await readerPage.goto(baseUrl + "/portal/new");
      await readerPage.getByText("Adding a WebJob needs the admin role.").waitFor();
      assert.equal(await readerPage.locator("#add-form").isVisible(), false);
    });

    await step("show a reader the settings read-only", async () => {
      await readerPage.goto(baseUrl + "/portal/jobs/triggered/nightly/settings");
      await readerPage.getByText("You can view these settings. Changing them needs the admin role.").waitFor();
      await readerPage.waitForFunction(() => document.getElementById("schedule").value !== "");
      assert.equal(await readerPage.getByLabel("CRON expression", { exact: true }).inputValue(), "0 15 4 * * 1-5");
      assert.equal(await readerPage.getByLabel("CRON expression", { exact: true }).isEditable(), false);
      assert.equal(await readerPage.getByLabel("Overlapping runs").isDisabled(), true);
      assert.equal(await readerPage.getByRole("button", { name: "Save" }).count(), 0);
    });
    assert.deepEqual(readOnly.pageErrors, [], "the pages raised script errors");
  } finally {
    await readOnly.browser.close();
  }

  console.log(JSON.stringify(summary));
}

run(main);
