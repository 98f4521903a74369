// The WebJobs list: every job with its type, status, schedule, next run
// and last run, and the actions the signed-in user's scope allows (run
// with arguments, start, stop, delete after a confirmation). Each name
// links to the job's page, each row has an action menu (menu.js), and the
// filter box, which "/" focuses, shows only the jobs whose name contains
// its text.
"use strict";

(function () {
  var portal = window.WebJobsPortal;
  var menus = window.WebJobsMenu;
  var t = portal.t;
  var REFRESH_MS = 5000;
  var session = { user: "", scope: "read" };
  var jobs = [];
  var pendingJob = null;
  var focusReturn = null;
  var refreshTimer = null;
  // Set when a refresh arrived while a menu was open. The rows are rebuilt
  // when the menu closes, so that it does not vanish under the user.
  var renderPending = false;

  var tbody = document.querySelector("#jobs tbody");
  var emptyNote = document.getElementById("empty");
  var runDialog = document.getElementById("run-dialog");
  var deleteDialog = document.getElementById("delete-dialog");
  var filterBox = document.getElementById("filter");
  var noMatch = document.getElementById("no-match");

  function jobPath(job) {
    return "/api/" + job.type + "webjobs/" + encodeURIComponent(job.name);
  }

  // The job's page in the portal, which shows its runs or its log.
  function pagePath(job) {
    return "/portal/jobs/" + job.type + "/" + encodeURIComponent(job.name);
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

  // The direct button for the job's main action, or null when the user's
  // scope allows none.
  function primaryAction(job) {
    if (!portal.scopeAllows(session.scope, "operate")) return null;
    if (job.type === "triggered") return actionButton("action.run", job, openRunDialog);
    if (job.status === "Stopped") return actionButton("action.start", job, startOrStop("start"));
    return actionButton("action.stop", job, startOrStop("stop"));
  }

  function menuItems(job) {
    var items = [];
    if (portal.scopeAllows(session.scope, "operate")) {
      if (job.type === "triggered") {
        items.push({ text: t("menu.run"), action: function () { openRunDialog(job); } });
      } else if (job.status === "Stopped") {
        items.push({ text: t("menu.start"), action: function () { startOrStop("start")(job); } });
      } else {
        items.push({ text: t("menu.stop"), action: function () { startOrStop("stop")(job); } });
      }
    }
    items.push({ text: t("menu.logs"), href: pagePath(job) });
    items.push({ text: t("menu.settings"), href: pagePath(job) + "/settings" });
    if (portal.scopeAllows(session.scope, "admin")) {
      items.push({ text: t("menu.delete"), danger: true, separated: true,
                   action: function () { openDeleteDialog(job); } });
    }
    return items;
  }

  function actionsContent(job) {
    var group = document.createElement("div");
    group.className = "actions";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t("jobs.actions.label", { name: job.name }));
    var primary = primaryAction(job);
    if (primary) group.appendChild(primary);
    group.appendChild(menus.create({
      label: t("menu.button.label", { name: job.name }),
      items: menuItems(job)
    }));
    return group;
  }

  // Hides the rows whose job name does not contain the filter's text,
  // ignoring case, and shows a note when no row is left.
  function applyFilter() {
    var text = filterBox.value.trim();
    var filter = text.toLocaleLowerCase();
    var shown = 0;
    tbody.querySelectorAll("tr[data-job]").forEach(function (row) {
      var name = row.getAttribute("data-name").toLocaleLowerCase();
      row.hidden = filter !== "" && name.indexOf(filter) < 0;
      if (!row.hidden) shown++;
    });
    noMatch.hidden = jobs.length === 0 || shown > 0;
    noMatch.textContent = noMatch.hidden ? "" : t("jobs.filter.none", { text: text });
  }

  function render() {
    if (menus.isOpen()) {
      renderPending = true;
      return;
    }
    renderPending = false;
    // Keep keyboard focus on the same control across a refresh.
    var focused = document.activeElement;
    var focusKey = focused && focused.closest && focused.closest("tr[data-job]")
      ? focused.closest("tr[data-job]").getAttribute("data-job") + "|" + focused.textContent
      : null;
    tbody.textContent = "";
    jobs.forEach(function (job) {
      var row = document.createElement("tr");
      row.setAttribute("data-job", job.type + "/" + job.name);
      row.setAttribute("data-name", job.name);
      var name = document.createElement("th");
      name.scope = "row";
      name.setAttribute("data-label", t("jobs.column.name"));
      var link = document.createElement("a");
      link.href = pagePath(job);
      link.textContent = job.name;
      name.appendChild(link);
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
    applyFilter();
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

  function load() {
    return portal.api("GET", "/api/webjobs").then(function (response) {
      return response.json();
    }).then(function (list) {
      jobs = list.sort(function (a, b) { return a.name.localeCompare(b.name); });
      render();
      portal.clearLoadError();
    }).catch(function (error) {
      portal.showLoadError(t("jobs.loadFailed", { error: error.message }));
    });
  }

  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () { load().then(scheduleRefresh); }, REFRESH_MS);
  }

  // Remembers the focused control of a row before a dialog opens, so that
  // focus can return to it when a refresh rebuilt the row meanwhile.
  function rememberFocus() {
    var focused = document.activeElement;
    var row = focused && focused.closest ? focused.closest("tr[data-job]") : null;
    focusReturn = row ? { job: row.getAttribute("data-job"), text: focused.textContent } : null;
  }

  function restoreFocus() {
    if (!focusReturn) return;
    var target = focusReturn;
    focusReturn = null;
    if (document.activeElement && document.activeElement !== document.body) return;
    var row = tbody.querySelector('tr[data-job="' + CSS.escape(target.job) + '"]');
    if (!row) return;
    var match = Array.prototype.find.call(row.querySelectorAll("button, a"), function (control) {
      return control.textContent === target.text;
    });
    if (match) match.focus();
  }

  function openRunDialog(job) {
    rememberFocus();
    pendingJob = job;
    document.getElementById("run-title").textContent = t("run.title", { name: job.name });
    document.getElementById("run-arguments").value = "";
    runDialog.showModal();
  }

  function openDeleteDialog(job) {
    rememberFocus();
    pendingJob = job;
    document.getElementById("delete-text").textContent = t("delete.text", { name: job.name });
    deleteDialog.showModal();
    document.getElementById("delete-cancel").focus();
  }

  // Returns a handler that starts or stops a job. `button`, when given, is
  // disabled while the request is in flight.
  function startOrStop(action) {
    return function (job, button) {
      if (button) button.disabled = true;
      portal.api("POST", jobPath(job) + "/" + action).then(function () {
        portal.showStatus(t(action === "start" ? "jobs.started" : "jobs.stopped", { name: job.name }));
        return load();
      }).catch(function (error) {
        portal.showStatus(error.message, true);
        if (button) button.disabled = false;
      });
    };
  }

  document.getElementById("run-form").addEventListener("submit", function () {
    var job = pendingJob;
    var args = document.getElementById("run-arguments").value.trim();
    var path = jobPath(job) + "/run" + (args ? "?arguments=" + encodeURIComponent(args) : "");
    portal.api("POST", path).then(function () {
      portal.showStatus(t("jobs.runStarted", { name: job.name }));
      return load();
    }).catch(function (error) { portal.showStatus(error.message, true); });
  });
  document.getElementById("run-cancel").addEventListener("click", function () { runDialog.close(); });
  runDialog.addEventListener("close", restoreFocus);

  document.getElementById("delete-form").addEventListener("submit", function () {
    var job = pendingJob;
    portal.api("DELETE", jobPath(job)).then(function () {
      portal.showStatus(t("jobs.deleted", { name: job.name }));
      return load();
    }).catch(function (error) { portal.showStatus(error.message, true); });
  });
  document.getElementById("delete-cancel").addEventListener("click", function () { deleteDialog.close(); });
  deleteDialog.addEventListener("close", restoreFocus);

  document.getElementById("refresh").addEventListener("click", function () { load(); });

  filterBox.addEventListener("input", applyFilter);
  filterBox.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && filterBox.value !== "") {
      event.preventDefault();
      filterBox.value = "";
      applyFilter();
    }
  });
  // "/" jumps to the filter box, unless the user is typing somewhere or a
  // dialog is open.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable], dialog")) return;
    if (runDialog.open || deleteDialog.open) return;
    event.preventDefault();
    filterBox.focus();
    filterBox.select();
  });
  menus.onClose(function () {
    if (renderPending) render();
  });
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
  }).then(scheduleRefresh).catch(function (error) { portal.showStatus(error.message, true); });
})();
