// Code that the pages of one job share: the run history, a run and a
// continuous job's log. It reads the job's type, name and run id from the
// page address, fills the top bar (user, language, sign out) and the
// breadcrumb, and names statuses and the kind of trigger that started a run.
"use strict";

window.WebJobsJobPage = (function () {
  var portal = window.WebJobsPortal;
  var t = portal.t;

  // Returns {type, name, runId} from /portal/jobs/{type}/{name}[/runs/{id}].
  // runId is "" on a job's own page.
  function address() {
    var segments = location.pathname.split("/");
    return {
      type: decodeURIComponent(segments[3] || ""),
      name: decodeURIComponent(segments[4] || ""),
      runId: segments[5] === "runs" ? decodeURIComponent(segments[6] || "") : ""
    };
  }

  function jobApiPath(type, name) {
    return "/api/" + type + "webjobs/" + encodeURIComponent(name);
  }

  function jobPagePath(type, name) {
    return "/portal/jobs/" + type + "/" + encodeURIComponent(name);
  }

  function runPagePath(name, runId) {
    return jobPagePath("triggered", name) + "/runs/" + encodeURIComponent(runId);
  }

  function settingsPagePath(type, name) {
    return jobPagePath(type, name) + "/settings";
  }

  // The path of an absolute URL from the API (output_url, log_url), so
  // links stay on the origin the page was loaded from.
  function pathOf(url) {
    return new URL(url, location.href).pathname;
  }

  function isActiveStatus(status) {
    return status === "Running" || status === "Initializing";
  }

  // Returns the translation of a status from the API, or the status itself
  // when the catalog does not know it.
  function statusText(status) {
    if (!status) return "";
    var key = "status." + status;
    var text = t(key);
    return text === key ? status : text;
  }

  function statusBadge(status) {
    var badge = document.createElement("span");
    badge.className = "badge status-" + String(status).toLowerCase();
    badge.textContent = statusText(status);
    return badge;
  }

  // Returns what started a run: "schedule" for "Schedule - <expression>",
  // "manual" for "Portal - <user>" (Run in the portal), "api" for
  // "External - <User-Agent>" (scripts, the webjobs command, Kudu clients),
  // or "" when the trigger is empty.
  function triggerKind(trigger) {
    if (!trigger) return "";
    if (/^Schedule\b/.test(trigger)) return "schedule";
    if (/^Portal\b/.test(trigger)) return "manual";
    return "api";
  }

  // Returns the trigger as the user reads it: "Schedule (0 0 3 * * *)",
  // "Manual (alice)" or "API (curl/8.0.1)".
  function triggerText(trigger) {
    var kind = triggerKind(trigger);
    if (!kind) return "";
    var detail = trigger.replace(/^(Schedule|External|Portal)\s*-\s*/, "");
    var key = { schedule: "history.trigger.schedule", manual: "history.trigger.manual",
                api: "history.trigger.api" }[kind];
    return detail ? t(key + "Detail", { detail: detail }) : t(key);
  }

  // Fills the breadcrumb after its first item (WebJobs) with `items`, each
  // {text, href}; the last item is the current page.
  function setBreadcrumb(items) {
    var list = document.querySelector(".breadcrumb ol");
    while (list.children.length > 1) list.removeChild(list.lastElementChild);
    items.forEach(function (item, index) {
      var entry = document.createElement("li");
      var link = document.createElement("a");
      link.href = item.href;
      link.textContent = item.text;
      if (index === items.length - 1) link.setAttribute("aria-current", "page");
      entry.appendChild(link);
      list.appendChild(entry);
    });
  }

  function setSettingsLink(type, name) {
    var link = document.getElementById("settings-link");
    if (!link) return;
    link.href = settingsPagePath(type, name);
    link.setAttribute("aria-label", t("history.settings.label", { name: name }));
  }

  // Loads the catalog and the session, fills the top bar and binds the
  // language menu and Sign out. Resolves to the session {user, scope};
  // `onLanguage` runs after each language switch.
  function start(onLanguage) {
    var session = null;
    function renderUser() {
      if (!session) return;
      document.getElementById("signed-in-user").textContent =
        t("common.signedInAs", { user: session.user, scope: t("scope." + session.scope) });
    }
    portal.onLanguageChange(function () {
      renderUser();
      if (onLanguage) onLanguage();
    });
    portal.bindLanguageSelect();
    document.getElementById("sign-out").addEventListener("click", function () { portal.signOut(); });
    return portal.loadCatalog(portal.language()).then(function () {
      return portal.requireSession();
    }).then(function (current) {
      session = current;
      renderUser();
      return session;
    });
  }

  // Resolves to the job object, or to null when no job of `type` has the
  // name (404). Other failures reject.
  function loadJob(type, name) {
    return portal.api("GET", jobApiPath(type, name)).then(function (response) {
      return response.json();
    }).catch(function (error) {
      // 400: the address contains no valid job name, so no job has it.
      if (error.status === 404 || error.status === 400) return null;
      throw error;
    });
  }

  // Replaces the page's content with the message that no job (or run) of
  // that address exists, with a link to the job of the other type when one
  // has the name.
  function showNotFound(text, type, name) {
    document.getElementById("page-content").hidden = true;
    var box = document.getElementById("not-found");
    box.hidden = false;
    document.getElementById("not-found-text").textContent = text;
    if (!type || !name) return Promise.resolve();
    var other = type === "triggered" ? "continuous" : "triggered";
    return loadJob(other, name).then(function (job) {
      if (!job) return;
      var link = document.getElementById("not-found-other");
      link.href = jobPagePath(other, name);
      link.textContent = t("history.notFound.other", {
        name: name, type: t("type." + other + ".inSentence")
      });
      link.hidden = false;
    }).catch(function () { /* The message above stands on its own. */ });
  }

  return {
    address: address,
    jobApiPath: jobApiPath,
    jobPagePath: jobPagePath,
    runPagePath: runPagePath,
    pathOf: pathOf,
    isActiveStatus: isActiveStatus,
    statusText: statusText,
    statusBadge: statusBadge,
    triggerKind: triggerKind,
    triggerText: triggerText,
    setBreadcrumb: setBreadcrumb,
    setSettingsLink: setSettingsLink,
    start: start,
    showMessage: portal.showStatus,
    showLoadError: portal.showLoadError,
    clearLoadError: portal.clearLoadError,
    loadJob: loadJob,
    showNotFound: showNotFound
  };
})();
