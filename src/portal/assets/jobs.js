// The WebJobs list: every job with its type, status, schedule, next run
// and last run, and the actions the signed-in user's scope allows (run
// with arguments, start, stop, delete after a confirmation).
"use strict";

(function () {
  var portal = window.WebJobsPortal;
  var t = portal.t;
  var REFRESH_MS = 5000;
  var session = { user: "", scope: "read" };
  var jobs = [];
  var pendingJob = null;
  var refreshTimer = null;

  var tbody = document.querySelector("#jobs tbody");
  var emptyNote = document.getElementById("empty");
  var message = document.getElementById("message");
  var errorBox = document.getElementById("error");
  var runDialog = document.getElementById("run-dialog");
  var deleteDialog = document.getElementById("delete-dialog");

  function jobPath(job) {
    return "/api/" + job.type + "webjobs/" + encodeURIComponent(job.name);
  }

  // Returns the translation of a status from the API, or the status itself
  // when the catalog does not know it.
  function statusText(status) {
    if (!status) return "";
    var key = "status." + status;
    var text = t(key);
    return text === key ? status : text;
  }

  function isActiveRun(run) {
    return run && (run.status === "Running" || run.status === "Initializing");
  }

  function jobStatus(job) {
    if (job.type === "continuous") return job.status;
    return isActiveRun(job.latest_run) ? job.latest_run.status : "Ready";
  }

  function scheduleText(job) {
    if (job.type === "continuous") return t("jobs.schedule.continuous");
    return job.schedule || t("jobs.schedule.manual");
  }

  function cell(row, label, content) {
    var td = document.createElement("td");
    td.setAttribute("data-label", label);
    if (typeof content === "string") td.textContent = content;
    else if (content) td.appendChild(content);
    row.appendChild(td);
    return td;
  }

  function lastRunContent(job) {
    var run = job.latest_run;
    if (!run) return t("jobs.lastRun.none");
    var wrapper = document.createElement("span");
    var status = document.createElement("span");
    status.className = "badge status-" + String(run.status).toLowerCase();
    status.textContent = statusText(run.status);
    wrapper.appendChild(status);
    var when = portal.formatDate(run.end_time) || portal.formatDate(run.start_time);
    if (when) {
      var time = document.createElement("time");
      time.dateTime = run.start_time || "";
      time.textContent = " " + when;
      wrapper.appendChild(time);
    }
    return wrapper;
  }

  function actionButton(key, job, handler, className) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = t(key);
    button.setAttribute("aria-label", t(key + ".label", { name: job.name }));
    if (className) button.className = className;
    button.addEventListener("click", function () { handler(job, button); });
    return button;
  }

  function actionsContent(job) {
    var group = document.createElement("div");
    group.className = "actions";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t("jobs.actions.label", { name: job.name }));
    if (portal.scopeAllows(session.scope, "operate")) {
      if (job.type === "triggered") {
        group.appendChild(actionButton("action.run", job, openRunDialog));
      } else if (job.status === "Stopped") {
        group.appendChild(actionButton("action.start", job, startOrStop("start")));
      } else {
        group.appendChild(actionButton("action.stop", job, startOrStop("stop")));
      }
    }
    var logUrl = job.type === "continuous" ? job.log_url : (job.latest_run && job.latest_run.output_url);
    if (logUrl) {
      var link = document.createElement("a");
      link.href = new URL(logUrl, location.href).pathname;
      link.textContent = t("action.log");
      link.setAttribute("aria-label", t("action.log.label", { name: job.name }));
      link.className = "button-link";
      group.appendChild(link);
    }
    if (portal.scopeAllows(session.scope, "admin")) {
      group.appendChild(actionButton("action.delete", job, openDeleteDialog, "danger"));
    }
    return group;
  }

  function render() {
    // Keep keyboard focus on the same control across a refresh.
    var focused = document.activeElement;
    var focusKey = focused && focused.closest && focused.closest("tr[data-job]")
      ? focused.closest("tr[data-job]").getAttribute("data-job") + "|" + focused.textContent
      : null;
    tbody.textContent = "";
    jobs.forEach(function (job) {
      var row = document.createElement("tr");
      row.setAttribute("data-job", job.type + "/" + job.name);
      var name = document.createElement("th");
      name.scope = "row";
      name.setAttribute("data-label", t("jobs.column.name"));
      name.textContent = job.name;
      row.appendChild(name);
      cell(row, t("jobs.column.type"), t("type." + job.type));
      var status = document.createElement("span");
      status.className = "badge status-" + String(jobStatus(job)).toLowerCase();
      status.textContent = statusText(jobStatus(job));
      cell(row, t("jobs.column.status"), status);
      var schedule = cell(row, t("jobs.column.schedule"), scheduleText(job));
      if (job.type === "triggered" && job.schedule) schedule.className = "schedule";
      cell(row, t("jobs.column.nextRun"), portal.formatDate(job.next_run) || "—");
      cell(row, t("jobs.column.lastRun"), job.type === "triggered" ? lastRunContent(job) : "—");
      cell(row, t("jobs.column.actions"), actionsContent(job));
      tbody.appendChild(row);
    });
    emptyNote.hidden = jobs.length !== 0;
    document.getElementById("time-zone").textContent = t("jobs.timeZone", { zone: portal.timeZone() });
    if (focusKey) {
      var parts = focusKey.split("|");
      var row = tbody.querySelector('tr[data-job="' + CSS.escape(parts[0]) + '"]');
      if (row) {
        var match = Array.prototype.find.call(row.querySelectorAll("button, a"), function (control) {
          return control.textContent === parts[1];
        });
        if (match) match.focus();
      }
    }
  }

  function showMessage(text) {
    errorBox.textContent = "";
    message.textContent = text;
  }

  function showError(text) {
    message.textContent = "";
    errorBox.textContent = text;
  }

  function load() {
    return portal.api("GET", "/api/webjobs").then(function (response) {
      return response.json();
    }).then(function (list) {
      jobs = list.sort(function (a, b) { return a.name.localeCompare(b.name); });
      render();
    }).catch(function (error) {
      showError(t("jobs.loadFailed", { error: error.message }));
    });
  }

  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () { load().then(scheduleRefresh); }, REFRESH_MS);
  }

  function openRunDialog(job) {
    pendingJob = job;
    document.getElementById("run-title").textContent = t("run.title", { name: job.name });
    document.getElementById("run-arguments").value = "";
    runDialog.showModal();
  }

  function openDeleteDialog(job) {
    pendingJob = job;
    document.getElementById("delete-text").textContent = t("delete.text", { name: job.name });
    deleteDialog.showModal();
    document.getElementById("delete-cancel").focus();
  }

  function startOrStop(action) {
    return function (job, button) {
      button.disabled = true;
      portal.api("POST", jobPath(job) + "/" + action).then(function () {
        showMessage(t(action === "start" ? "jobs.started" : "jobs.stopped", { name: job.name }));
        return load();
      }).catch(function (error) {
        showError(error.message);
        button.disabled = false;
      });
    };
  }

  document.getElementById("run-form").addEventListener("submit", function () {
    var job = pendingJob;
    var args = document.getElementById("run-arguments").value.trim();
    var path = jobPath(job) + "/run" + (args ? "?arguments=" + encodeURIComponent(args) : "");
    portal.api("POST", path).then(function () {
      showMessage(t("jobs.runStarted", { name: job.name }));
      return load();
    }).catch(function (error) { showError(error.message); });
  });
  document.getElementById("run-cancel").addEventListener("click", function () { runDialog.close(); });

  document.getElementById("delete-form").addEventListener("submit", function () {
    var job = pendingJob;
    portal.api("DELETE", jobPath(job)).then(function () {
      showMessage(t("jobs.deleted", { name: job.name }));
      return load();
    }).catch(function (error) { showError(error.message); });
  });
  document.getElementById("delete-cancel").addEventListener("click", function () { deleteDialog.close(); });

  document.getElementById("refresh").addEventListener("click", function () { load(); });
  document.getElementById("sign-out").addEventListener("click", function () { portal.signOut(); });
  function renderUser() {
    if (!session.user) return;
    document.getElementById("signed-in-user").textContent =
      t("common.signedInAs", { user: session.user, scope: t("scope." + session.scope) });
  }

  portal.onLanguageChange(function () {
    renderUser();
    render();
  });
  portal.bindLanguageSelect();

  portal.loadCatalog(portal.language()).then(function () {
    return portal.requireSession();
  }).then(function (current) {
    session = current;
    renderUser();
    document.getElementById("add-job").hidden = !portal.scopeAllows(session.scope, "admin");
    return load();
  }).then(scheduleRefresh).catch(function (error) { showError(error.message); });
})();
