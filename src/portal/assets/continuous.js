// A continuous job's page: its status, Start and Stop for users with the
// operate scope, and its log (job_log.txt), followed live through
// GET /api/continuouswebjobs/{name}/log/stream.
"use strict";

(function () {
  var portal = window.WebJobsPortal;
  var page = window.WebJobsJobPage;
  var t = portal.t;
  var REFRESH_MS = 5000;

  var name = page.address().name;
  var apiPath = page.jobApiPath("continuous", name);
  var session = { user: "", scope: "read" };
  var job = null;
  var refreshTimer = null;
  var streamStarted = false;

  var view = window.WebJobsOutputView.create(document.getElementById("output-view"), {
    heading: "log.heading",
    emptyKey: "log.empty"
  });

  function render() {
    if (!job) return;
    document.getElementById("job-name").textContent = job.name;
    document.title = t("log.titleOf", { name: job.name });
    page.setBreadcrumb([{ text: job.name, href: page.jobPagePath("continuous", job.name) }]);
    page.setSettingsLink("continuous", job.name);
    var status = document.getElementById("job-status");
    status.textContent = "";
    status.appendChild(page.statusBadge(job.status));
    document.getElementById("job-command").textContent = job.run_command || "—";
    // detailed_status has one "{instance} - {status}" line per instance.
    var instances = String(job.detailed_status || "").split(/\r?\n/).filter(Boolean).map(function (line) {
      var parts = /^(.*) - (\w+)$/.exec(line);
      return parts ? parts[1] + " - " + page.statusText(parts[2]) : line;
    });
    document.getElementById("job-instances-item").hidden = instances.length === 0;
    document.getElementById("job-instances").textContent = instances.join("\n");
    document.getElementById("job-error-item").hidden = !job.error;
    document.getElementById("job-error").textContent = job.error || "";

    var operate = portal.scopeAllows(session.scope, "operate");
    var stopped = job.status === "Stopped";
    var start = document.getElementById("start");
    var stop = document.getElementById("stop");
    start.hidden = !operate || !stopped;
    stop.hidden = !operate || stopped;
    start.setAttribute("aria-label", t("action.start.label", { name: job.name }));
    stop.setAttribute("aria-label", t("action.stop.label", { name: job.name }));
    if (job.log_url) view.setDownload(page.pathOf(job.log_url), job.name + "-job_log.txt");
  }

  function load() {
    return page.loadJob("continuous", name).then(function (found) {
      if (!found) {
        clearTimeout(refreshTimer);
        view.close();
        page.showNotFound(t("history.notFound.text", { name: name }), "continuous", name);
        return false;
      }
      job = found;
      render();
      page.clearLoadError();
      if (!streamStarted) {
        streamStarted = true;
        view.stream(apiPath + "/log/stream");
      }
      return true;
    }).catch(function (error) {
      page.showLoadError(t("log.loadFailed", { error: error.message }));
      return true;
    });
  }

  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () {
      load().then(function (found) { if (found) scheduleRefresh(); });
    }, REFRESH_MS);
  }

  function startOrStop(action) {
    return function (event) {
      var button = event.currentTarget;
      button.disabled = true;
      portal.api("POST", apiPath + "/" + action).then(function () {
        page.showMessage(t(action === "start" ? "jobs.started" : "jobs.stopped", { name: name }), false);
        return load();
      }).catch(function (error) {
        page.showMessage(error.message, true);
      }).then(function () {
        button.disabled = false;
        scheduleRefresh();
      });
    };
  }

  document.getElementById("start").addEventListener("click", startOrStop("start"));
  document.getElementById("stop").addEventListener("click", startOrStop("stop"));

  page.start(render).then(function (current) {
    session = current;
    return load();
  }).then(function (found) {
    if (found) scheduleRefresh();
  }).catch(function (error) { page.showMessage(error.message, true); });
})();
