// The Settings page of one job (/portal/jobs/{type}/{name}/settings):
// the schedule and time zone (with the shared schedule field), overlap,
// catch-up and stopping wait time of a triggered job, or the scale and
// stopping wait time of a continuous job. Saving sends only the changed
// settings as a JSON merge patch (PATCH .../settings), where null removes
// a setting so its default applies. Users below admin see the values
// read-only.
"use strict";

(function () {
  var portal = window.WebJobsPortal;
  var t = portal.t;
  var MAX_SECONDS = 2147483647;
  var parts = location.pathname.split("/");
  var jobType = decodeURIComponent(parts[3] || "");
  var jobName = decodeURIComponent(parts[4] || "");
  var settingsPath = "/api/" + jobType + "webjobs/" + encodeURIComponent(jobName) + "/settings";
  var session = { user: "", scope: "read" };
  var original = {};
  var loaded = false;
  var saving = false;
  var scheduleField = null;

  // The settings this page edits for each job type, in form order.
  var EDITED = {
    triggered: ["schedule", "time_zone", "overlap", "catch_up", "catch_up_window", "stopping_wait_time"],
    continuous: ["is_singleton", "stopping_wait_time"]
  };
  // The element ids of each setting's input and its error message.
  var INPUT_IDS = {
    overlap: "overlap",
    catch_up: "catch-up",
    catch_up_window: "catch-up-window",
    stopping_wait_time: "stopping-wait-time"
  };
  var ERROR_IDS = {
    is_singleton: "scale-error",
    overlap: "overlap-error",
    catch_up: "catch-up-error",
    catch_up_window: "catch-up-window-error",
    stopping_wait_time: "stopping-wait-time-error"
  };
  var DEFAULT_STOPPING_WAIT = { triggered: 30, continuous: 5 };

  // The schedule fields are shared with the Add WebJob page; here an empty
  // schedule means that the job runs only when started.
  document.getElementById("schedule-hint").setAttribute("data-i18n",
                                                        "settings.schedule.optionalHint");

  var form = document.getElementById("settings-form");
  // Messages beside the fields, by setting, kept as catalog keys so a
  // language switch can redraw them.
  var fieldMessages = {};

  function byId(id) { return document.getElementById(id); }
  function isAdmin() { return portal.scopeAllows(session.scope, "admin"); }

  function showFieldMessage(setting) {
    var element = byId(ERROR_IDS[setting]);
    var input = INPUT_IDS[setting] ? byId(INPUT_IDS[setting]) : null;
    portal.showFieldMessage(element, input, fieldMessages[setting]);
  }

  function setFieldMessage(setting, entry) {
    fieldMessages[setting] = entry;
    showFieldMessage(setting);
  }

  // The value a setting had when the page loaded, as the form shows it:
  // null when unset, and the overlap alias "queue" as "queue_one".
  function originalValue(setting) {
    var value = Object.prototype.hasOwnProperty.call(original, setting) ? original[setting] : null;
    if (setting === "overlap" && value === "queue") return "queue_one";
    if (setting === "is_singleton") return value === true;
    return value;
  }

  // Reads a whole number of seconds from `setting`'s input: null when
  // empty, undefined (with a message beside the field) when invalid.
  function readSeconds(setting, minimum) {
    var input = byId(INPUT_IDS[setting]);
    var text = input.value.trim();
    if (!text && !input.validity.badInput) return null;
    if (!/^\d+$/.test(text) || Number(text) < minimum || Number(text) > MAX_SECONDS) {
      setFieldMessage(setting, { key: "settings.seconds.invalid", params: { min: minimum, max: MAX_SECONDS } });
      return undefined;
    }
    return Number(text);
  }

  // Returns the form's value of each edited setting, or null when one is
  // invalid (its message is then shown beside it).
  function formValues() {
    var values = {};
    var valid = true;
    EDITED[jobType].forEach(function (setting) {
      if (ERROR_IDS[setting]) setFieldMessage(setting, null);
      var value;
      if (setting === "schedule") value = scheduleField.expression() || null;
      else if (setting === "time_zone") value = scheduleField.timeZone() || null;
      else if (setting === "is_singleton") value = form.querySelector('input[name="scale"]:checked').value === "single";
      else if (setting === "overlap" || setting === "catch_up") value = byId(INPUT_IDS[setting]).value || null;
      else value = readSeconds(setting, setting === "catch_up_window" ? 1 : 0);
      if (value === undefined) valid = false;
      values[setting] = value;
    });
    return valid ? values : null;
  }

  // The merge patch from the loaded settings to `values`: changed
  // settings only, null for a setting that was cleared.
  function mergePatch(values) {
    var patch = {};
    Object.keys(values).forEach(function (setting) {
      if (values[setting] !== originalValue(setting)) patch[setting] = values[setting];
    });
    return patch;
  }

  function settingOfError(text) {
    var match = /"(schedule|time_zone|is_singleton|stopping_wait_time|catch_up_window|catch_up|overlap)"/.exec(text);
    return match && EDITED[jobType].indexOf(match[1]) >= 0 ? match[1] : "";
  }

  function showSaveError(error) {
    if (error.status !== 400) {
      portal.showStatus(t("settings.saveFailed", { error: error.message }), true);
      return;
    }
    var setting = settingOfError(error.message);
    if (setting === "schedule") {
      scheduleField.showServerError("expression", error.message);
    } else if (setting === "time_zone") {
      scheduleField.showServerError("timeZone", error.message);
    } else if (setting) {
      setFieldMessage(setting, { key: "settings.rejected", detail: error.message });
      var input = INPUT_IDS[setting] ? byId(INPUT_IDS[setting]) : form.querySelector('input[name="scale"]');
      input.focus();
    } else {
      portal.showStatus(t("settings.saveFailed", { error: error.message }), true);
    }
  }

  function updateHints() {
    var overlap = byId("overlap").value || "skip";
    byId("overlap-hint").textContent = t("settings.overlap.hint." + overlap);
    byId("stopping-wait-time-hint").textContent =
      t("settings.stoppingWaitTime.hint", { seconds: DEFAULT_STOPPING_WAIT[jobType] });
    byId("stopping-wait-time").placeholder = String(DEFAULT_STOPPING_WAIT[jobType]);
  }

  function renderOtherSettings() {
    var list = byId("other-list");
    list.textContent = "";
    var others = Object.keys(original).filter(function (key) { return EDITED[jobType].indexOf(key) < 0; }).sort();
    others.forEach(function (key) {
      var term = document.createElement("dt");
      term.textContent = key;
      var value = document.createElement("dd");
      value.textContent = JSON.stringify(original[key]);
      list.appendChild(term);
      list.appendChild(value);
    });
    byId("other-settings").hidden = others.length === 0;
  }

  function fillForm() {
    var has = function (setting) { return Object.prototype.hasOwnProperty.call(original, setting); };
    if (jobType === "triggered") {
      byId("overlap").value = originalValue("overlap") || "";
      byId("catch-up").value = originalValue("catch_up") || "";
      byId("catch-up-window").value = has("catch_up_window") && original.catch_up_window !== null
        ? String(original.catch_up_window) : "";
      scheduleField.setValues(original.schedule || "", original.time_zone || "");
    } else {
      form.querySelector('input[name="scale"][value="' + (original.is_singleton === true ? "single" : "multi") + '"]')
        .checked = true;
    }
    byId("stopping-wait-time").value = has("stopping_wait_time") && original.stopping_wait_time !== null
      ? String(original.stopping_wait_time) : "";
    Object.keys(ERROR_IDS).forEach(function (setting) { setFieldMessage(setting, null); });
    renderOtherSettings();
    updateHints();
  }

  function setReadOnly() {
    byId("read-only").hidden = false;
    byId("form-buttons").hidden = true;
    form.querySelectorAll("input, select").forEach(function (control) {
      if (control.type === "radio" || control.tagName === "SELECT") control.disabled = true;
      else control.readOnly = true;
    });
    if (scheduleField) scheduleField.setDisabled(true);
  }

  function loadSettings() {
    return portal.api("GET", settingsPath).then(function (response) {
      return response.json();
    }).then(function (settings) {
      original = settings;
      loaded = true;
      fillForm();
      form.hidden = false;
    });
  }

  function save() {
    portal.showStatus("");
    var values = formValues();
    var scheduleValid = jobType === "triggered" ? scheduleField.validate() : Promise.resolve(true);
    saving = true;
    byId("save").disabled = true;
    return scheduleValid.then(function (valid) {
      if (!values || !valid) {
        var invalid = form.querySelector('[aria-invalid="true"]');
        if (invalid) invalid.focus();
        return;
      }
      var patch = mergePatch(values);
      if (Object.keys(patch).length === 0) {
        portal.showStatus(t("settings.unchanged"));
        return;
      }
      return portal.api("PATCH", settingsPath, patch).then(function () {
        return loadSettings();
      }).then(function () {
        portal.showStatus(t("settings.saved"));
      }, showSaveError);
    }).catch(function (error) {
      portal.showStatus(t("settings.saveFailed", { error: error.message }), true);
    }).then(function () {
      saving = false;
      byId("save").disabled = false;
    });
  }

  function renderUser() {
    if (!session.user) return;
    byId("signed-in-user").textContent =
      t("common.signedInAs", { user: session.user, scope: t("scope." + session.scope) });
  }

  function renderLanguage() {
    document.title = t("settings.title", { name: jobName });
    byId("heading").textContent = t("settings.pageHeading", { name: jobName });
    byId("job-type").textContent = t("settings.jobType", { type: t("type." + jobType) });
    renderUser();
    Object.keys(ERROR_IDS).forEach(showFieldMessage);
    if (scheduleField) scheduleField.refreshLanguage();
    updateHints();
  }

  var jobPage = "/portal/jobs/" + encodeURIComponent(jobType) + "/" + encodeURIComponent(jobName);
  byId("job-link").href = jobPage;
  byId("job-link").textContent = jobName;
  byId("settings-link").href = jobPage + "/settings";
  byId("cancel").href = jobPage;

  form.addEventListener("change", function (event) {
    if (event.target.tagName === "SELECT") updateHints();
  });
  form.addEventListener("input", function (event) {
    var setting = Object.keys(INPUT_IDS).find(function (key) { return INPUT_IDS[key] === event.target.id; });
    if (setting && fieldMessages[setting]) setFieldMessage(setting, null);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (loaded && !saving && isAdmin()) save();
  });
  byId("sign-out").addEventListener("click", function () { portal.signOut(); });

  portal.onLanguageChange(renderLanguage);
  portal.bindLanguageSelect();

  portal.loadCatalog(portal.language()).then(function () {
    renderLanguage();
    return portal.requireSession();
  }).then(function (current) {
    session = current;
    renderUser();
    var triggered = jobType === "triggered";
    byId("schedule-group").hidden = !triggered;
    byId("overlap-field").hidden = !triggered;
    byId("catch-up-field").hidden = !triggered;
    byId("catch-up-window-field").hidden = !triggered;
    byId("scale-field").hidden = triggered;
    if (triggered) {
      scheduleField = window.WebJobsScheduleField.create({
        expression: byId("schedule"),
        examples: byId("schedule-example"),
        timeZone: byId("time-zone"),
        timeZoneList: byId("time-zones"),
        expressionMessage: byId("schedule-error"),
        expressionNote: byId("schedule-note"),
        timeZoneMessage: byId("time-zone-error"),
        timeZoneNote: byId("time-zone-note"),
        preview: byId("schedule-preview"),
        previewHeading: byId("preview-heading")
      });
    }
    if (!isAdmin()) setReadOnly();
    return loadSettings();
  }).catch(function (error) {
    if (error.status === 404) portal.showStatus(t("settings.notFound", { name: jobName, type: t("type." + jobType) }), true);
    else portal.showStatus(t("settings.loadFailed", { error: error.message }), true);
  });
})();
