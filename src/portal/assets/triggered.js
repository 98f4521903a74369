// The run history of a triggered job: a chart of the durations and
// outcomes of its recent runs, the runs page by page (newest first, with a
// status filter), and Run and Cancel for users with the operate scope. The
// page refreshes itself, often while a run is active.
"use strict";

(function () {
  var portal = window.WebJobsPortal;
  var page = window.WebJobsJobPage;
  var t = portal.t;
  var ACTIVE_REFRESH_MS = 2000;
  var IDLE_REFRESH_MS = 15000;
  var CHART_RUNS = 30;
  var SVG_NS = "http://www.w3.org/2000/svg";
  var CHART_HEIGHT = 100;
  var CHART_SLOT = 10;
  var CHART_BAR = 7;

  var name = page.address().name;
  var apiPath = page.jobApiPath("triggered", name);
  var session = { user: "", scope: "read" };
  var job = null;
  var runs = [];
  var recent = [];
  var hasOlder = false;
  // The `before` cursor of each page from the newest to the shown one; ""
  // is the newest page.
  var cursors = [""];
  var refreshTimer = null;
  var loading = null;

  var tbody = document.querySelector("#runs tbody");
  var statusFilter = document.getElementById("status-filter");
  var pageSize = document.getElementById("page-size");
  var runDialog = document.getElementById("run-dialog");

  function isActive(run) {
    return run && page.isActiveStatus(run.status);
  }

  function anyActive() {
    return recent.some(isActive) || runs.some(isActive);
  }

  function durationOf(run) {
    return portal.parseTimeSpan(run.duration);
  }

  // Chart ------------------------------------------------------------------

  function svg(tag, attributes) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }

  function barClass(status) {
    if (status === "Success") return "bar-success";
    if (status === "Failed") return "bar-failed";
    if (page.isActiveStatus(status)) return "bar-active";
    return "bar-stopped";
  }

  function median(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  // The text alternative of the chart: how many runs ended how, and the
  // longest and median duration.
  function chartSummary(data, durations) {
    var success = data.filter(function (run) { return run.status === "Success"; }).length;
    var failed = data.filter(function (run) { return run.status === "Failed"; }).length;
    return t("history.chart.summary", {
      count: data.length,
      success: success,
      failed: failed,
      other: data.length - success - failed,
      longest: portal.formatDuration(Math.max.apply(null, durations)),
      median: portal.formatDuration(median(durations))
    });
  }

  // Returns the bar of `run` at `index`: a link to the run's page whose
  // title gives the start, status and duration.
  function chartBar(run, index, duration, longest) {
    var height = Math.max(2, duration / longest * (CHART_HEIGHT - 4));
    var label = t("history.chart.bar", {
      start: portal.formatDate(run.start_time) || run.id,
      status: page.statusText(run.status),
      duration: portal.formatDuration(duration)
    });
    var link = svg("a", { href: page.runPagePath(name, run.id), "aria-label": label });
    var bar = svg("rect", {
      x: String(index * CHART_SLOT + (CHART_SLOT - CHART_BAR) / 2),
      y: String(CHART_HEIGHT - height),
      width: String(CHART_BAR),
      height: String(height),
      "class": "bar " + barClass(run.status),
      "data-run": run.id
    });
    var title = svg("title");
    title.textContent = label;
    bar.appendChild(title);
    link.appendChild(bar);
    return link;
  }

  // Failed bars are hatched, so they differ from the others without color.
  function hatchPattern() {
    var defs = svg("defs");
    var hatch = svg("pattern", {
      id: "chart-hatch", patternUnits: "userSpaceOnUse", width: "4", height: "4",
      patternTransform: "rotate(45)"
    });
    hatch.appendChild(svg("rect", { width: "4", height: "4", "class": "hatch-back" }));
    hatch.appendChild(svg("rect", { width: "2", height: "4", "class": "hatch-line" }));
    defs.appendChild(hatch);
    return defs;
  }

  function renderChart() {
    var container = document.getElementById("chart");
    container.textContent = "";
    var data = recent.slice().reverse();
    document.getElementById("chart-empty").hidden = data.length !== 0;
    document.getElementById("chart-legend").hidden = data.length === 0;
    if (!data.length) return;

    var durations = data.map(function (run) { return Math.max(0, durationOf(run) || 0); });
    var longest = Math.max(1, Math.max.apply(null, durations));
    var chart = svg("svg", {
      "class": "chart-svg",
      viewBox: "0 0 " + CHART_SLOT * CHART_RUNS + " " + CHART_HEIGHT,
      preserveAspectRatio: "none",
      role: "group",
      "aria-labelledby": "chart-title",
      "aria-describedby": "chart-desc"
    });

    var title = svg("title", { id: "chart-title" });
    title.textContent = t("history.chart.title", { count: data.length });
    var desc = svg("desc", { id: "chart-desc" });
    desc.textContent = chartSummary(data, durations);
    chart.appendChild(title);
    chart.appendChild(desc);

    chart.appendChild(hatchPattern());
    chart.appendChild(svg("line", {
      x1: "0", y1: String(CHART_HEIGHT - 0.5), x2: String(CHART_SLOT * CHART_RUNS),
      y2: String(CHART_HEIGHT - 0.5), "class": "chart-axis"
    }));
    data.forEach(function (run, index) {
      chart.appendChild(chartBar(run, index, durations[index], longest));
    });
    container.appendChild(chart);

    var scale = document.createElement("p");
    scale.className = "hint";
    scale.textContent = t("history.chart.scale", { longest: portal.formatDuration(longest) });
    container.appendChild(scale);
  }

  // Table ------------------------------------------------------------------

  function cell(row, label, content) {
    var td = document.createElement("td");
    td.setAttribute("data-label", label);
    if (typeof content === "string") td.textContent = content;
    else if (content) td.appendChild(content);
    row.appendChild(td);
    return td;
  }

  function renderRuns() {
    tbody.textContent = "";
    runs.forEach(function (run) {
      var row = document.createElement("tr");
      row.setAttribute("data-run", run.id);
      var start = document.createElement("th");
      start.scope = "row";
      start.setAttribute("data-label", t("history.column.start"));
      var link = document.createElement("a");
      link.href = page.runPagePath(name, run.id);
      link.textContent = portal.formatDate(run.start_time) || run.id;
      link.setAttribute("aria-label", t("history.openRun", { start: link.textContent }));
      start.appendChild(link);
      row.appendChild(start);
      var status = cell(row, t("history.column.status"), page.statusBadge(run.status));
      if (run.error) status.title = run.error;
      cell(row, t("history.column.duration"), portal.formatDuration(durationOf(run)));
      var trigger = cell(row, t("history.column.trigger"), page.triggerText(run.trigger));
      trigger.title = run.trigger || "";
      var args = document.createElement("code");
      args.textContent = run.arguments || "";
      cell(row, t("history.column.arguments"), run.arguments ? args : "—");
      tbody.appendChild(row);
    });
    var empty = document.getElementById("runs-empty");
    empty.hidden = runs.length !== 0;
    empty.textContent = statusFilter.value ? t("history.runs.noMatch") : t("history.runs.none");
    document.getElementById("newer").disabled = cursors.length <= 1;
    document.getElementById("older").disabled = !hasOlder;
    document.getElementById("page-number").textContent = t("history.page", { page: cursors.length });
  }

  function renderJob() {
    if (!job) return;
    document.getElementById("job-name").textContent = job.name;
    document.title = t("history.titleOf", { name: job.name });
    page.setBreadcrumb([
      { text: job.name, href: page.jobPagePath("triggered", job.name) }
    ]);
    page.setSettingsLink("triggered", job.name);
    var summary = job.schedule
      ? t(scheduleZone.zone ? "history.summary.scheduleIn" : "history.summary.schedule", {
        schedule: job.schedule,
        scheduleZone: scheduleZone.zone,
        next: portal.formatDate(job.next_run) || "—",
        zone: portal.timeZone()
      })
      : t("history.summary.manual", { zone: portal.timeZone() });
    document.getElementById("job-summary").textContent = summary;
    var operate = portal.scopeAllows(session.scope, "operate");
    document.getElementById("run").hidden = !operate;
    document.getElementById("run").setAttribute("aria-label", t("action.run.label", { name: job.name }));
    document.getElementById("cancel-runs").hidden = !operate || !anyActive();
  }

  // Re-renders the page and keeps keyboard focus on the same link.
  function render() {
    var focused = document.activeElement;
    var href = focused && focused.closest && focused.closest("#page-content") &&
      focused.getAttribute("href");
    renderJob();
    renderChart();
    renderRuns();
    if (href) {
      var again = document.querySelector('#page-content [href="' + CSS.escape(href) + '"]');
      if (again) again.focus();
    }
  }

  // Loading ------------------------------------------------------------------

  function historyQuery(limit, before, status) {
    var query = "?limit=" + limit;
    if (before) query += "&before=" + encodeURIComponent(before);
    if (status) query += "&status=" + encodeURIComponent(status);
    return apiPath + "/history" + query;
  }

  function getJson(path) {
    return portal.api("GET", path).then(function (response) { return response.json(); });
  }

  // The zone the job's schedule runs in: its time_zone setting, else the
  // host's default, as the schedule preview names it. Read again only when
  // the schedule changes; a failure leaves the summary without the zone.
  var scheduleZone = { schedule: "", zone: "" };
  function loadScheduleZone(schedule) {
    if (!schedule || scheduleZone.schedule === schedule) return Promise.resolve();
    return getJson(apiPath + "/settings").then(function (settings) {
      var query = "?count=1&expression=" + encodeURIComponent(schedule);
      if (settings.time_zone) query += "&time_zone=" + encodeURIComponent(settings.time_zone);
      return getJson("/api/schedule/preview" + query);
    }).then(function (preview) {
      scheduleZone = { schedule: schedule, zone: preview.time_zone || "" };
    }, function () {
      scheduleZone = { schedule: schedule, zone: "" };
    });
  }

  function load() {
    if (loading) return loading;
    var before = cursors[cursors.length - 1];
    loading = page.loadJob("triggered", name).then(function (found) {
      if (!found) {
        clearTimeout(refreshTimer);
        return page.showNotFound(t("history.notFound.text", { name: name }), "triggered", name)
          .then(function () { return false; });
      }
      job = found;
      return Promise.all([
        getJson(historyQuery(pageSize.value, before, statusFilter.value)),
        getJson(historyQuery(CHART_RUNS, "", "")),
        loadScheduleZone(job.schedule)
      ]).then(function (results) {
        runs = results[0].runs || [];
        hasOlder = Boolean(results[0].next);
        recent = results[1].runs || [];
        render();
        page.clearLoadError();
        return true;
      });
    }).catch(function (error) {
      page.showLoadError(t("history.loadFailed", { error: error.message }));
      return true;
    }).then(function (found) {
      loading = null;
      return found;
    });
    return loading;
  }

  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () {
      load().then(function (found) { if (found) scheduleRefresh(); });
    }, anyActive() ? ACTIVE_REFRESH_MS : IDLE_REFRESH_MS);
  }

  function reload() {
    return load().then(function (found) { if (found) scheduleRefresh(); });
  }

  // Actions ------------------------------------------------------------------

  function showRunStarted(runId) {
    var status = document.getElementById("message");
    document.getElementById("error").textContent = "";
    status.textContent = t("jobs.runStarted", { name: name }) + " ";
    if (!runId) return;
    var link = document.createElement("a");
    link.href = page.runPagePath(name, runId);
    link.textContent = t("history.openNewRun");
    status.appendChild(link);
  }

  document.getElementById("run").addEventListener("click", function () {
    document.getElementById("run-title").textContent = t("run.title", { name: name });
    document.getElementById("run-arguments").value = "";
    runDialog.showModal();
  });
  document.getElementById("run-cancel").addEventListener("click", function () { runDialog.close(); });
  document.getElementById("run-form").addEventListener("submit", function () {
    var args = document.getElementById("run-arguments").value.trim();
    var path = apiPath + "/run" + (args ? "?arguments=" + encodeURIComponent(args) : "");
    portal.api("POST", path).then(function (response) {
      var location = response.headers.get("Location") || "";
      var match = /\/history\/([^/?#]+)$/.exec(location);
      showRunStarted(match ? decodeURIComponent(match[1]) : "");
      return reload();
    }).catch(function (error) { page.showMessage(error.message, true); });
  });

  document.getElementById("cancel-runs").addEventListener("click", function (event) {
    var button = event.currentTarget;
    button.disabled = true;
    portal.api("POST", apiPath + "/cancel").then(function () {
      page.showMessage(t("history.cancelling", { name: name }), false);
      return reload();
    }).catch(function (error) {
      page.showMessage(error.message, true);
    }).then(function () { button.disabled = false; });
  });

  // The filter, the page size and the pages turned live in the address
  // (?status=Failed&limit=50&pages=<run id>,<run id>), so a reload or a
  // shared link shows the same page, and Back returns to the page before.
  function hasOption(select, value) {
    return Array.prototype.some.call(select.options, function (option) {
      return option.value === value;
    });
  }

  function readAddress() {
    var params = new URLSearchParams(location.search);
    var status = params.get("status") || "";
    statusFilter.value = hasOption(statusFilter, status) ? status : "";
    var limit = params.get("limit") || "";
    if (hasOption(pageSize, limit)) pageSize.value = limit;
    var pages = (params.get("pages") || "").split(",").filter(function (id) {
      return /^\d{18}$/.test(id);
    });
    cursors = [""].concat(pages);
  }

  function writeAddress() {
    var params = new URLSearchParams();
    if (statusFilter.value) params.set("status", statusFilter.value);
    var defaultSize = Array.prototype.filter.call(pageSize.options, function (option) {
      return option.defaultSelected;
    })[0];
    if (!defaultSize || pageSize.value !== defaultSize.value) params.set("limit", pageSize.value);
    if (cursors.length > 1) params.set("pages", cursors.slice(1).join(","));
    var query = params.toString();
    history.pushState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  document.getElementById("refresh").addEventListener("click", reload);
  document.getElementById("older").addEventListener("click", function () {
    if (!runs.length) return;
    cursors.push(runs[runs.length - 1].id);
    writeAddress();
    reload();
  });
  document.getElementById("newer").addEventListener("click", function () {
    if (cursors.length > 1) cursors.pop();
    writeAddress();
    reload();
  });
  [statusFilter, pageSize].forEach(function (select) {
    select.addEventListener("change", function () {
      cursors = [""];
      writeAddress();
      reload();
    });
  });
  window.addEventListener("popstate", function () {
    readAddress();
    reload();
  });
  readAddress();

  page.start(render).then(function (current) {
    session = current;
    return reload();
  }).catch(function (error) { page.showMessage(error.message, true); });
})();
