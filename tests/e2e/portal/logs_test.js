// Drives the Logs pages of the portal in Debian's chromium through
// playwright-core. It checks a triggered job's run history (chart, rows,
// paging, status filter, Run) and one run (live output, final status,
// Toggle output, search, follow, download, cancel). Then it checks a
// continuous job's log (live tail, search, download, Stop and Start), the
// messages for an unknown job or run, the Korean pages and the 390 px
// layout.
//
// test_portal_logs.py deploys the jobs this script expects:
//   hello   triggered, 12 finished runs (9 Success, 3 Failed)
//   slow    triggered, prints "tick N" every 0.3 s until the file
//           WEBJOBS_TEST_FILES/finish exists or the run is cancelled
//   daemon  continuous, prints the text of each file
//           WEBJOBS_TEST_FILES/say-* and removes it
//   bulk    triggered, one finished run that printed "row 1" to
//           "row 25000"; its id is in the file WEBJOBS_TEST_FILES/bulk-run
// and the user "viewer" with the read role.
// browser.js lists the environment. Prints one JSON line at the end with
// the ids of the runs started here.
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { env, TIMEOUT_MS, step, openBrowser, signIn, screenshot, assertFitsWidth, run } =
  require("./browser");

const { baseUrl } = env;
// test_portal_logs.py adds this user with the read role.
const READ_ONLY_USER = "viewer";
const READ_ONLY_PASSWORD = "viewer-password-1";

async function setLanguage(page, lang) {
  await page.locator("#language").selectOption(lang);
  await page.waitForFunction((value) => document.documentElement.lang === value, lang);
}

// Writes `name` in the shared folder atomically, so the job never reads a
// half-written file.
function writeSharedFile(name, text) {
  assert.ok(env.files, "WEBJOBS_TEST_FILES is not set");
  const temporary = path.join(env.files, `.${name}.tmp`);
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, path.join(env.files, name));
}

function outputLines(page) {
  return page.locator("#output .line");
}

async function outputText(page) {
  return page.locator("#output").evaluate((element) =>
    Array.from(element.querySelectorAll(".line"), (line) => line.textContent).join("\n"));
}

// Waits until the output block has more than `count` lines and returns
// their number.
async function waitForMoreLines(page, count) {
  await page.waitForFunction((known) => document.querySelectorAll("#output .line").length > known,
                             count, { timeout: TIMEOUT_MS });
  return outputLines(page).count();
}

async function isScrolledToEnd(page) {
  return page.locator("#output").evaluate((element) =>
    element.scrollHeight - element.scrollTop - element.clientHeight <= 8);
}

// Types `query` into the output search and waits for the match count.
async function search(page, query) {
  await page.locator("#output-search").fill(query);
  await page.waitForFunction((text) =>
    document.getElementById("output-count").getAttribute("data-query") === text, query);
  return page.locator("#output-count").innerText();
}

// Clicks the download link and returns [suggested file name, content].
async function download(page) {
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.locator("#output-download").click(),
  ]);
  const saved = await file.path();
  return [file.suggestedFilename(), fs.readFileSync(saved, "utf8")];
}

async function apiText(context, urlPath) {
  const response = await context.request.get(baseUrl + urlPath);
  assert.equal(response.status(), 200, `GET ${urlPath}: ${response.status()}`);
  return response.text();
}

async function apiJson(context, urlPath) {
  return JSON.parse(await apiText(context, urlPath));
}

// Starts a run of the job shown on its history page through the Run
// dialog and returns the new run's id from the "Open the run" link.
async function runFromHistory(page, name, args) {
  await page.getByRole("button", { name: `Run ${name}` }).click();
  const dialog = page.getByRole("dialog", { name: `Run ${name}` });
  await dialog.getByLabel("Arguments (optional)").fill(args);
  await dialog.getByRole("button", { name: "Run" }).click();
  const link = page.getByRole("status").getByRole("link", { name: "Open the run" });
  await link.waitFor();
  const href = await link.getAttribute("href");
  const match = /\/runs\/(\d{18})$/.exec(href);
  assert.ok(match, `unexpected run link ${href}`);
  return { link, id: match[1] };
}

async function historyPage(page, context) {
  await step("open the run history", async () => {
    await page.goto(baseUrl + "/portal/jobs/triggered/hello");
    await page.getByRole("heading", { name: "hello", level: 1 }).waitFor();
    const crumbs = page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link");
    assert.deepEqual(await crumbs.allInnerTexts(), ["WebJobs", "hello"]);
    assert.equal(await crumbs.nth(1).getAttribute("aria-current"), "page");
    assert.equal(await page.getByRole("link", { name: "Settings of hello" }).getAttribute("href"),
                 "/portal/jobs/triggered/hello/settings");
    await page.getByText("No schedule: the job runs only when started.", { exact: false }).waitFor();
  });

  await step("see the chart of recent runs", async () => {
    const chart = page.locator("#chart svg");
    await chart.waitFor();
    assert.equal(await chart.getAttribute("role"), "group");
    assert.equal(await page.locator("#chart-title").textContent(),
                 "Duration and outcome of the last 12 runs, oldest first");
    assert.match(await page.locator("#chart-desc").textContent(),
                 /^12 runs: 9 succeeded, 3 failed, 0 other\. Longest .+ m?s, median .+ m?s\.$/);
    assert.equal(await chart.locator("rect.bar").count(), 12);
    assert.equal(await chart.locator("rect.bar-failed").count(), 3);
    assert.equal(await chart.locator("rect.bar-success").count(), 9);
    const titles = await chart.locator("rect.bar > title").allTextContents();
    assert.equal(titles.length, 12);
    for (const title of titles) assert.match(title, /^[A-Z][a-z]{2} \d{1,2}, \d{4}, .+: (Success|Failed), .+ m?s$/);
    assert.match(await chart.locator("a").first().getAttribute("href"),
                 /^\/portal\/jobs\/triggered\/hello\/runs\/\d{18}$/);
    const legend = page.getByRole("list", { name: "Legend" });
    assert.deepEqual(await legend.getByRole("listitem").allInnerTexts(),
                     ["Success", "Failed", "Aborted or stopped", "Running or waiting"]);
  });

  await step("see the runs, newest first", async () => {
    const rows = page.locator("#runs tbody tr");
    assert.equal(await rows.count(), 12);
    const history = await apiJson(context, "/api/triggeredwebjobs/hello/history");
    const ids = await rows.evaluateAll((list) => list.map((row) => row.getAttribute("data-run")));
    assert.deepEqual(ids, history.runs.map((entry) => entry.id));
    const first = rows.first();
    assert.match(await first.locator("th").innerText(), /^[A-Z][a-z]{2} \d{1,2}, \d{4}, /);
    assert.equal(await first.locator("td").nth(0).innerText(), history.runs[0].status);
    assert.match(await first.locator("td").nth(1).innerText(), /^\d+(\.\d)? m?s$/);
    assert.equal(await first.locator("td").nth(2).innerText(), "API (webjobs-e2e)");
    assert.equal(await first.locator("td").nth(3).innerText(), history.runs[0].arguments);
    assert.equal(await rows.locator("td:nth-child(2)", { hasText: "Failed" }).count(), 3);
  });

  await step("page through the runs", async () => {
    await page.getByLabel("Runs per page").selectOption("10");
    const rows = page.locator("#runs tbody tr");
    await page.waitForFunction(() => document.querySelectorAll("#runs tbody tr").length === 10);
    await page.getByText("Page 1", { exact: true }).waitFor();
    assert.equal(await page.getByRole("button", { name: "Newer runs" }).isDisabled(), true);
    const lastOnFirst = await rows.last().getAttribute("data-run");
    await page.getByRole("button", { name: "Older runs" }).click();
    await page.getByText("Page 2", { exact: true }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll("#runs tbody tr").length === 2);
    const firstOnSecond = await rows.first().getAttribute("data-run");
    assert.ok(firstOnSecond < lastOnFirst, "the second page must hold older runs");
    assert.equal(await page.getByRole("button", { name: "Older runs" }).isDisabled(), true);
    // The page is in the address: a reload keeps it, Back returns to page 1.
    assert.equal(new URL(page.url()).searchParams.get("pages"), lastOnFirst);
    assert.equal(new URL(page.url()).searchParams.get("limit"), "10");
    await page.reload();
    await page.getByText("Page 2", { exact: true }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll("#runs tbody tr").length === 2);
    assert.equal(await page.getByLabel("Runs per page").inputValue(), "10");
    await page.goBack();
    await page.getByText("Page 1", { exact: true }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll("#runs tbody tr").length === 10);
    await page.getByRole("button", { name: "Older runs" }).click();
    await page.getByText("Page 2", { exact: true }).waitFor();
    await page.getByRole("button", { name: "Newer runs" }).click();
    await page.getByText("Page 1", { exact: true }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll("#runs tbody tr").length === 10);
  });

  await step("filter the runs by status", async () => {
    await page.getByLabel("Status").selectOption("Failed");
    await page.waitForFunction(() => document.querySelectorAll("#runs tbody tr").length === 3);
    const statuses = await page.locator("#runs tbody td:nth-child(2)").allInnerTexts();
    assert.deepEqual(statuses, ["Failed", "Failed", "Failed"]);
    await page.getByLabel("Status").selectOption("Stopped");
    await page.getByText("No runs match the filter.").waitFor();
    await page.getByLabel("Status").selectOption("");
    await page.getByLabel("Runs per page").selectOption("25");
    await page.waitForFunction(() => document.querySelectorAll("#runs tbody tr").length === 12);
    await screenshot(page, "portal-history-en.png");
  });

  await step("see the history in Korean", async () => {
    await setLanguage(page, "ko");
    await page.getByRole("columnheader", { name: "시작 시간" }).waitFor();
    await page.getByRole("heading", { name: "실행 기록", level: 2 }).waitFor();
    assert.equal(await page.locator("#chart-title").textContent(),
                 "최근 12회 실행의 소요 시간과 결과(오래된 순)");
    assert.match(await page.locator("#chart-desc").textContent(), /^실행 12회: 성공 9, 실패 3, 기타 0\. 최장 .+초, 중앙값 .+초\.$/);
    assert.match(await page.locator("#runs tbody tr").first().locator("td").nth(1).innerText(), /^\d+(\.\d)?(초|밀리초)$/);
    await page.getByRole("button", { name: "hello 실행" }).waitFor();
    await page.getByRole("link", { name: "hello 설정" }).waitFor();
    await screenshot(page, "portal-history-ko.png");
    await page.setViewportSize({ width: 390, height: 844 });
    await assertFitsWidth(page);
    await page.setViewportSize({ width: 1280, height: 800 });
    await setLanguage(page, "en");
  });
}

async function liveRun(page, context) {
  let runId = "";
  await step("run a job from its history page", async () => {
    await page.goto(baseUrl + "/portal/jobs/triggered/slow");
    await page.getByRole("heading", { name: "slow", level: 1 }).waitFor();
    await page.getByText("No runs yet.", { exact: false }).waitFor();
    const started = await runFromHistory(page, "slow", "live one");
    runId = started.id;
    // The history refreshes itself while the run is active.
    await page.locator(`#runs tbody tr[data-run="${runId}"]`).waitFor();
    await page.getByRole("button", { name: "Cancel active run" }).waitFor();
    await started.link.click();
    await page.waitForURL(`${baseUrl}/portal/jobs/triggered/slow/runs/${runId}`);
  });

  await step("see the run's details and live output", async () => {
    await page.getByRole("heading", { name: "Run of slow", level: 1 }).waitFor();
    const crumbs = page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link");
    assert.deepEqual(await crumbs.allInnerTexts(), ["WebJobs", "slow", runId]);
    assert.equal(await crumbs.nth(1).getAttribute("href"), "/portal/jobs/triggered/slow");
    await page.locator("#run-status").getByText("Running").waitFor();
    assert.equal(await page.locator("#run-trigger").innerText(), `Manual (${env.user})`);
    assert.equal(await page.locator("#run-arguments").innerText(), "live one");
    assert.equal(await page.locator("#run-end").innerText(), "Still running");
    await page.locator(".live-badge").getByText("Live").waitFor();
    await page.getByRole("button", { name: "Cancel the run of slow" }).waitFor();
    const seen = await waitForMoreLines(page, 2);
    // Lines keep arriving without a reload.
    await waitForMoreLines(page, seen + 2);
    assert.match(await outputText(page), /tick 1\n/);
  });

  await step("search while the output grows", async () => {
    const first = await search(page, "TICK");
    const total = Number(/of (\d+)$/.exec(first)[1]);
    assert.match(first, /^1 of \d+$/);
    await page.waitForFunction((known) => {
      const match = /of (\d+)$/.exec(document.getElementById("output-count").textContent);
      return match && Number(match[1]) > known;
    }, total);
    assert.equal(await page.locator("#output mark.current").innerText(), "tick");
    await search(page, "");
    await page.waitForFunction(() => document.querySelectorAll("#output mark").length === 0);
  });

  await step("follow new lines, stop following on scroll up", async () => {
    // Enough lines to scroll the block.
    await page.waitForFunction(() => {
      const block = document.getElementById("output");
      return block.scrollHeight > block.clientHeight * 1.5;
    }, null, { timeout: TIMEOUT_MS * 2 });
    const follow = page.getByLabel("Follow new lines");
    await follow.check();
    const count = await outputLines(page).count();
    await waitForMoreLines(page, count);
    assert.equal(await isScrolledToEnd(page), true, "following keeps the newest line in view");
    await page.locator("#output").hover();
    await page.mouse.wheel(0, -2000);
    await page.waitForFunction(() => !document.getElementById("output-follow").checked);
    const top = await page.locator("#output").evaluate((element) => element.scrollTop);
    await waitForMoreLines(page, await outputLines(page).count());
    assert.equal(await page.locator("#output").evaluate((element) => element.scrollTop), top,
                 "new lines must not scroll a block the user scrolled up");
    await follow.check();
    await waitForMoreLines(page, await outputLines(page).count());
    assert.equal(await isScrolledToEnd(page), true);
  });

  await step("see the final status when the run ends", async () => {
    writeSharedFile("finish", "");
    await page.locator("#run-status").getByText("Success").waitFor();
    await page.getByRole("status").getByText("The run ended: Success.").waitFor();
    await page.locator("#output .line", { hasText: /INFO\] finished after \d+ ticks$/ }).waitFor();
    assert.equal(await page.locator(".live-badge").isHidden(), true);
    assert.equal(await page.getByRole("button", { name: "Cancel the run of slow" }).isHidden(), true);
    assert.equal(await page.locator("#run-exit-code").innerText(), "0");
    assert.notEqual(await page.locator("#run-end").innerText(), "Still running");
  });

  await step("toggle the output off and on", async () => {
    const toggle = page.getByRole("button", { name: "Toggle output" });
    assert.equal(await toggle.getAttribute("aria-expanded"), "true");
    await toggle.click();
    await page.locator("#output").waitFor({ state: "hidden" });
    assert.equal(await toggle.getAttribute("aria-expanded"), "false");
    await toggle.click();
    await page.locator("#output").waitFor({ state: "visible" });
    assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  });

  let apiOutput = "";
  await step("download the output", async () => {
    const runJson = await apiJson(context, `/api/triggeredwebjobs/slow/history/${runId}`);
    apiOutput = await apiText(context, new URL(runJson.output_url).pathname);
    const [fileName, content] = await download(page);
    assert.equal(fileName, `slow-${runId}.txt`);
    assert.equal(content, apiOutput);
    // The block shows the same lines as the file.
    assert.equal(await outputText(page), apiOutput.replace(/\n$/, ""));
  });

  await step("search the finished output", async () => {
    // "tick N" lines and "finished after N ticks".
    const ticks = (apiOutput.match(/tick/gi) || []).length;
    assert.equal(await search(page, "Tick"), `1 of ${ticks}`);
    assert.equal(await page.locator("#output mark").count(), ticks);
    await page.locator("#output-search").press("Enter");
    assert.equal(await page.locator("#output-count").innerText(), `2 of ${ticks}`);
    await page.getByRole("button", { name: "Previous" }).click();
    await page.getByRole("button", { name: "Previous" }).click();
    assert.equal(await page.locator("#output-count").innerText(), `${ticks} of ${ticks}`);
    assert.equal(await search(page, "FINISHED AFTER"), "1 of 1");
    assert.equal(await page.locator("#output mark.current").innerText(), "finished after");
    assert.equal(await search(page, "no such text"), "No matches");
    await search(page, "tick 1");
    await screenshot(page, "portal-run-en.png");
    await search(page, "");
  });
  return { runId, apiOutput };
}

async function cancelRun(page, context) {
  let runId = "";
  await step("cancel a running run", async () => {
    await page.goto(baseUrl + "/portal/jobs/triggered/slow");
    await page.getByRole("heading", { name: "slow", level: 1 }).waitFor();
    const started = await runFromHistory(page, "slow", "to cancel");
    runId = started.id;
    await page.goto(`${baseUrl}/portal/jobs/triggered/slow/runs/${runId}`);
    await page.locator("#run-status").getByText("Running").waitFor();
    await waitForMoreLines(page, 1);
    await page.getByRole("button", { name: "Cancel the run of slow" }).click();
    const dialog = page.getByRole("dialog", { name: "Cancel run" });
    await dialog.getByRole("button", { name: "Keep running" }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("button", { name: "Cancel the run of slow" }).click();
    await dialog.getByRole("button", { name: "Cancel run" }).click();
    await page.locator("#output .line", { hasText: "shutdown requested" }).waitFor();
    await page.waitForFunction(() => !/Running|Initializing/.test(
      document.getElementById("run-status").textContent));
    const runJson = await apiJson(context, `/api/triggeredwebjobs/slow/history/${runId}`);
    assert.notEqual(runJson.status, "Running");
    assert.equal(await page.locator("#run-status").innerText(), runJson.status);
  });

  await step("see the run page in Korean", async () => {
    await setLanguage(page, "ko");
    await page.getByRole("heading", { name: "slow 실행 세부 정보", level: 1 }).waitFor();
    await page.getByRole("button", { name: "출력 표시/숨기기" }).waitFor();
    await page.getByRole("link", { name: "다운로드" }).waitFor();
    assert.equal(await page.locator("#run-trigger").innerText(), `수동(${env.user})`);
    assert.match(await search(page, "TICK"), /^\d+개 중 1번째$/);
    await search(page, "");
    await screenshot(page, "portal-run-ko.png");
  });

  await step("fit the run page on a 390 px screen", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await assertFitsWidth(page);
    await page.getByRole("button", { name: "출력 표시/숨기기" }).waitFor();
    await screenshot(page, "portal-run-ko-390.png");
    await page.setViewportSize({ width: 1280, height: 800 });
    await setLanguage(page, "en");
  });
  return runId;
}

async function continuousLog(page, context) {
  await step("open a continuous job's log", async () => {
    await page.goto(baseUrl + "/portal/jobs/continuous/daemon");
    await page.getByRole("heading", { name: "daemon", level: 1 }).waitFor();
    const crumbs = page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link");
    assert.deepEqual(await crumbs.allInnerTexts(), ["WebJobs", "daemon"]);
    await page.locator("#job-status").getByText("Running").waitFor();
    assert.equal(await page.locator("#job-command").innerText(), "run.sh");
    await page.locator("#output .line", { hasText: "daemon up" }).waitFor();
    await page.locator(".live-badge").getByText("Live").waitFor();
  });

  await step("see a line written after the page opened", async () => {
    const before = await outputLines(page).count();
    writeSharedFile("say-1", "written by the test after the page opened");
    await page.locator("#output .line", { hasText: "written by the test after the page opened" }).waitFor();
    assert.ok(await outputLines(page).count() > before);
    assert.equal(await search(page, "WRITTEN BY"), "1 of 1");
    assert.equal(await page.locator("#output mark.current").innerText(), "written by");
  });

  await step("download the log", async () => {
    const job = await apiJson(context, "/api/continuouswebjobs/daemon");
    const [fileName, content] = await download(page);
    assert.equal(fileName, "daemon-job_log.txt");
    const fromApi = await apiText(context, new URL(job.log_url).pathname);
    assert.ok(content.includes("written by the test after the page opened"));
    // The file may have grown between the two requests, never shrunk.
    assert.ok(fromApi.startsWith(content), "the download must be the start of the API's log");
    await screenshot(page, "portal-log-en.png");
    await search(page, "");
  });

  await step("stop and start the job from its page", async () => {
    await page.getByRole("button", { name: "Stop daemon" }).click();
    await page.locator("#job-status").getByText("Stopped").waitFor({ timeout: TIMEOUT_MS * 2 });
    await page.locator("#output .line", { hasText: /bye$/ }).waitFor();
    await page.getByRole("button", { name: "Start daemon" }).click();
    await page.locator("#job-status").getByText("Running").waitFor({ timeout: TIMEOUT_MS * 2 });
    writeSharedFile("say-2", "after the restart");
    await page.locator("#output .line", { hasText: "after the restart" }).waitFor();
  });

  await step("see the log in Korean", async () => {
    await setLanguage(page, "ko");
    await page.getByRole("heading", { name: "로그", level: 2 }).waitFor();
    await page.locator("#job-status").getByText("실행 중").waitFor();
    await page.getByRole("button", { name: "daemon 중지" }).waitFor();
    await page.getByLabel("새 줄 따라가기").waitFor();
    await screenshot(page, "portal-log-ko.png");
    await page.setViewportSize({ width: 390, height: 844 });
    await assertFitsWidth(page);
    await page.setViewportSize({ width: 1280, height: 800 });
    await setLanguage(page, "en");
  });
}

async function unknownPages(page) {
  await step("show a message for an unknown job", async () => {
    await page.goto(baseUrl + "/portal/jobs/triggered/no-such-job");
    await page.getByRole("heading", { name: "WebJob not found" }).waitFor();
    await page.getByText("There is no WebJob of this type named no-such-job.", { exact: false }).waitFor();
    await page.getByRole("link", { name: "Back to the WebJobs list" }).waitFor();
    // A name no job can have (a dot) is not found either.
    await page.goto(baseUrl + "/portal/jobs/continuous/bad.name");
    await page.getByRole("heading", { name: "WebJob not found" }).waitFor();
  });

  await step("link a job opened under the other type", async () => {
    await page.goto(baseUrl + "/portal/jobs/continuous/hello");
    await page.getByRole("heading", { name: "WebJob not found" }).waitFor();
    const other = page.getByRole("link", { name: "Open the triggered WebJob hello" });
    await other.click();
    await page.waitForURL(baseUrl + "/portal/jobs/triggered/hello");
    await page.getByRole("heading", { name: "hello", level: 1 }).waitFor();
  });

  await step("show a message for an unknown run", async () => {
    await page.goto(baseUrl + "/portal/jobs/triggered/hello/runs/200001010000000000");
    await page.getByRole("heading", { name: "Run not found" }).waitFor();
    await page.getByText("hello has no run 200001010000000000.", { exact: false }).waitFor();
    const back = page.getByRole("link", { name: "Back to the run history" });
    assert.equal(await back.getAttribute("href"), "/portal/jobs/triggered/hello");
    await setLanguage(page, "ko");
    await page.getByRole("heading", { name: "실행을 찾을 수 없음" }).waitFor();
    await setLanguage(page, "en");
  });
}

async function longOutput(page, context, runId) {
  await step("keep the newest lines of a long output", async () => {
    await page.goto(`${baseUrl}/portal/jobs/triggered/bulk/runs/${runId}`);
    await page.locator("#run-status").getByText("Success").waitFor();
    await page.locator("#output .line", { hasText: /INFO\] row 25000$/ }).waitFor();
    const runJson = await apiJson(context, `/api/triggeredwebjobs/bulk/history/${runId}`);
    const total = (await apiText(context, new URL(runJson.output_url).pathname))
      .replace(/\n$/, "").split("\n").length;
    assert.equal(await outputLines(page).count(), 20000);
    await page.getByText(`The ${total - 20000} oldest lines are not shown here.`, { exact: false })
      .waitFor();
    // "row 2499" itself was dropped; rows 24990 to 24999 are shown.
    assert.equal(await search(page, "row 2499"), "1 of 10");
  });
}

// A run that has printed 200,000 lines before its page opens: the page
// reads them from the start in large events while the run goes on, keeps
// up, and shows the end and the final status.
async function burstOutput(page) {
  await step("keep up with a burst of output", async () => {
    const marker = (name) => path.join(env.files, name);
    await page.goto(baseUrl + "/portal/jobs/triggered/burst");
    await page.getByRole("heading", { name: "burst", level: 1 }).waitFor();
    const started = await runFromHistory(page, "burst", "");
    fs.writeFileSync(marker("burst-go"), "");
    const deadline = Date.now() + TIMEOUT_MS;
    while (!fs.existsSync(marker("burst-printed"))) {
      assert.ok(Date.now() < deadline, "the burst job did not print its lines");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const opened = Date.now();
    await started.link.click();
    await page.waitForURL(`${baseUrl}/portal/jobs/triggered/burst/runs/${started.id}`);
    await page.locator(".live-badge").getByText("Live").waitFor();
    fs.writeFileSync(marker("burst-end"), "");
    await page.locator("#run-status").getByText("Success").waitFor();
    await page.locator("#output .line", { hasText: /INFO\] row 200000$/ }).waitFor();
    // The page keeps 20,000 lines and lets 2,000 more gather before it
    // drops the oldest again.
    const shown = await outputLines(page).count();
    assert.ok(shown >= 20000, `${shown} lines shown`);
    assert.ok(shown <= 22000, `${shown} lines shown`);
    await page.getByText("oldest lines are not shown here.", { exact: false }).waitFor();
    console.error(`burst: ${Date.now() - opened} ms from opening the run to its end`);
  });
}

// Signs in as the read-only user `viewer` in a second context and checks
// that the pages offer no action that needs the operate scope.
async function readOnlyPages(browser) {
  const context = await browser.newContext({ locale: "en-US", timezoneId: "Asia/Seoul" });
  context.setDefaultTimeout(TIMEOUT_MS);
  await context.route("**/*", (route) =>
    route.request().url().startsWith(baseUrl + "/") ? route.continue() : route.abort());
  const page = await context.newPage();
  try {
    await step("hide actions from a read-only user", async () => {
      await page.goto(baseUrl + "/portal/signin");
      await page.locator("#user").fill(READ_ONLY_USER);
      await page.locator("#password").fill(READ_ONLY_PASSWORD);
      await page.locator("#password").press("Enter");
      await page.waitForURL(baseUrl + "/portal/");
      await page.goto(baseUrl + "/portal/jobs/triggered/hello");
      await page.locator("#runs tbody tr").first().waitFor();
      assert.equal(await page.locator("#run").isHidden(), true, "Run must be hidden");
      await page.goto(baseUrl + "/portal/jobs/continuous/daemon");
      await page.locator("#job-status").getByText("Running").waitFor();
      assert.equal(await page.locator("#stop").isHidden(), true, "Stop must be hidden");
      assert.equal(await page.locator("#start").isHidden(), true, "Start must be hidden");
      await page.locator("#output .line", { hasText: "daemon up" }).first().waitFor();
    });
  } finally {
    await context.close();
  }
}

async function main() {
  const { browser, context, page, pageErrors } = await openBrowser();
  try {
    await step("sign in", () => signIn(page));
    await historyPage(page, context);
    const live = await liveRun(page, context);
    const cancelled = await cancelRun(page, context);
    await continuousLog(page, context);
    await unknownPages(page);
    await longOutput(page, context, fs.readFileSync(path.join(env.files, "bulk-run"), "utf8").trim());
    await burstOutput(page);
    await readOnlyPages(browser);
    assert.deepEqual(pageErrors, [], "the pages raised script errors");
    console.log(JSON.stringify({ live_run: live.runId, cancelled_run: cancelled }));
  } finally {
    await browser.close();
  }
}

run(main);
