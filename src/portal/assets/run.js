// One run of a triggered job: its status, times, trigger and arguments,
// and its output. While the run is active the output grows live through
// GET .../history/{id}/stream, whose last event is the run's final status;
// users with the operate scope can cancel it.
"use strict";

(function () {
  var portal = window.WebJobsPortal;
  var page = window.WebJobsJobPage;
  var t = portal.t;
  var POLL_MS = 3000;
  var TICK_MS = 1000;

  var where = page.address();
  var name = where.name;
  var runId = where.runId;
  var apiPath = page.jobApiPath("triggered", name);
  var runPath = apiPath + "/history/" + encodeURIComponent(runId);
  var session = { user: "", scope: "read" };
  var run = null;
  // The run's duration when it was fetched and the page's clock then, so
  // the shown duration of an active run grows without a request a second.
  var fetchedDuration = 0;
  var fetchedAt = 0;
  var pollTimer = null;
  var tickTimer = null;
  var streaming = false;

  var view = window.WebJobsOutputView.create(document.getElementById("output-view"), {
    heading: "runPage.output",
    emptyKey: "runPage.noOutput"
  });
  var cancelDialog = document.getElementById("cancel-dialog");

  function setText(id, text) {
    document.getElementById(id).textContent = text;
  }

  function currentDuration() {
    if (!page.isActiveStatus(run.status)) return fetchedDuration;
    return fetchedDuration + (performance.now() - fetchedAt);
  }

  function renderDuration() {
    if (run) setText("run-duration", portal.formatDuration(currentDuration()));
  }

  function renderRun() {
    if (!run) return;
    var active = page.isActiveStatus(run.status);
    var started = portal.formatDate(run.start_time);
    setText("run-heading", t("runPage.heading", { name: name }));
    document.title = t("runPage.titleOf", { name: name, id: runId });
    page.setBreadcrumb([
      { text: name, href: page.jobPagePath("triggered", name) },
      { text: runId, href: page.runPagePath(name, runId) }
    ]);
    page.setSettingsLink("triggered", name);
    var history = document.getElementById("history-link");
    history.href = page.jobPagePath("triggered", name);

    var status = document.getElementById("run-status");
    status.textContent = "";
    status.appendChild(page.statusBadge(run.status));
    setText("run-start", started || "—");
    setText("run-end", active ? t("runPage.notEnded") : (portal.formatDate(run.end_time) || "—"));
    renderDuration();
    var trigger = document.getElementById("run-trigger");
    trigger.textContent = page.triggerText(run.trigger) || "—";
    trigger.title = run.trigger || "";
    var args = document.getElementById("run-arguments");
    args.textContent = "";
    if (run.arguments) {
      var code = document.createElement("code");
      code.textContent = run.arguments;
      args.appendChild(code);
    } else {
      args.textContent = "—";
    }
    setText("run-exit-code", run.exit_code === null || run.exit_code === undefined ? "—" : String(run.exit_code));
    document.getElementById("run-error-item").hidden = !run.error;
    setText("run-error", run.error || "");
    setText("run-id", run.id);

    var cancel = document.getElementById("cancel-run");
    cancel.hidden = !active || !portal.scopeAllows(session.scope, "operate");
    cancel.setAttribute("aria-label", t("runPage.cancel.label", { name: name }));
    if (run.output_url) {
      view.setDownload(page.pathOf(run.output_url), name + "-" + runId + ".txt");
    }
  }

  function setRun(value) {
    run = value;
    fetchedDuration = Math.max(0, portal.parseTimeSpan(run.duration) || 0);
    fetchedAt = performance.now();
    renderRun();
    clearInterval(tickTimer);
    if (page.isActiveStatus(run.status)) tickTimer = setInterval(renderDuration, TICK_MS);
  }

  function getRun() {
    return portal.api("GET", runPath).then(function (response) { return response.json(); });
  }

  // Loads the whole output file of a run; a run without one shows as
  // having no output.
  function loadOutput() {
    if (!run.output_url) return Promise.resolve();
    return portal.api("GET", page.pathOf(run.output_url)).then(function (response) {
      return response.text();
    }).then(function (text) {
      view.setText(text);
    }).catch(function (error) {
      if (error.status === 404) view.setText("");
      else page.showMessage(t("runPage.outputFailed", { error: error.message }), true);
    });
  }

  function finished(value) {
    var wasActive = run && page.isActiveStatus(run.status);
    clearTimeout(pollTimer);
    setRun(value);
    if (wasActive) page.showMessage(t("runPage.ended", { status: page.statusText(value.status) }), false);
  }

  // Reads the run's record every few seconds while it is active: the
  // status event only comes at the end, and without the live stream (the
  // host refused it) this is how the page learns that the run ended.
  function poll() {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(function () {
      getRun().then(function (value) {
        if (!page.isActiveStatus(run.status)) return;
        if (page.isActiveStatus(value.status)) {
          setRun(value);
          poll();
        } else if (!streaming) {
          finished(value);
          loadOutput();
        } else {
          poll();
        }
      }).catch(function (error) {
        page.showMessage(error.message, true);
        poll();
      });
    }, POLL_MS);
  }

  function followLive() {
    streaming = true;
    view.stream(runPath + "/stream", {
      onStatus: function (value) {
        streaming = false;
        finished(value);
      },
      onFailed: function () {
        streaming = false;
      }
    });
    poll();
  }

  function showNotFound() {
    return page.loadJob("triggered", name).then(function (job) {
      if (!job) {
        return page.showNotFound(t("history.notFound.text", { name: name }), "triggered", name);
      }
      var back = document.getElementById("not-found-history");
      back.href = page.jobPagePath("triggered", name);
      back.hidden = false;
      page.setBreadcrumb([{ text: name, href: page.jobPagePath("triggered", name) }]);
      return page.showNotFound(t("runPage.notFound.text", { name: name, id: runId }));
    });
  }

  document.getElementById("cancel-run").addEventListener("click", function () {
    setText("cancel-text", t("runPage.cancel.text", { name: name, start: portal.formatDate(run.start_time) }));
    cancelDialog.showModal();
    document.getElementById("cancel-keep").focus();
  });
  document.getElementById("cancel-keep").addEventListener("click", function () { cancelDialog.close(); });
  document.getElementById("cancel-form").addEventListener("submit", function () {
    var button = document.getElementById("cancel-run");
    button.disabled = true;
    portal.api("DELETE", runPath).then(function () {
      page.showMessage(t("runPage.cancelling"), false);
    }).catch(function (error) {
      page.showMessage(error.message, true);
    }).then(function () { button.disabled = false; });
  });

  page.start(renderRun).then(function (current) {
    session = current;
    return getRun().then(function (value) {
      setRun(value);
      if (page.isActiveStatus(value.status)) followLive();
      else return loadOutput();
    }).catch(function (error) {
      if (error.status === 404) return showNotFound();
      throw error;
    });
  }).catch(function (error) { page.showMessage(error.message, true); });
})();
