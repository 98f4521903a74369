// The Add WebJob page: a name checked as it is typed, a .zip or script
// file uploaded with a progress bar, the type, and for continuous jobs the
// scale, for triggered jobs the trigger, CRON expression and time zone.
// One PUT /api/{type}webjobs/{name} carries the file and the settings
// (schedule, singleton and time_zone query parameters), so the new job
// never runs with only part of them. Errors appear beside their field.
"use strict";

(function () {
  var portal = window.WebJobsPortal;
  var t = portal.t;
  var MAX_NAME_BYTES = 255;
  var NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
  var session = { user: "", scope: "read" };
  var existingJobs = [];
  var nameTouched = false;
  var uploading = false;
  var scheduleField = null;

  // The schedule fields are shared with the Settings page; here a schedule
  // is required once the trigger is Scheduled.
  document.getElementById("schedule-hint").setAttribute("data-i18n", "settings.schedule.hint");

  var form = document.getElementById("add-form");
  var nameInput = document.getElementById("name");
  var nameError = document.getElementById("name-error");
  var fileInput = document.getElementById("file");
  var fileError = document.getElementById("file-error");
  var upload = document.getElementById("upload");
  var uploadLabel = document.getElementById("upload-label");
  var progress = document.getElementById("upload-progress");
  var percent = document.getElementById("upload-percent");
  var submitButton = document.getElementById("submit");
  // Messages shown beside the name and file, kept as catalog keys so a
  // language switch can redraw them.
  var fieldMessages = { name: null, file: null };

  function selected(name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : "";
  }

  function jobType() { return selected("type"); }
  function isScheduled() { return jobType() === "triggered" && selected("trigger") === "scheduled"; }

  function utf8Length(text) { return new TextEncoder().encode(text).length; }

  // Returns {key, params} describing what is wrong with `name`, or null.
  function checkName(name) {
    if (!name) return { key: "add.name.missing" };
    var bytes = utf8Length(name);
    if (bytes > MAX_NAME_BYTES) {
      return { key: "add.name.tooLong", params: { bytes: bytes, max: MAX_NAME_BYTES } };
    }
    if (!NAME_PATTERN.test(name)) {
      if (!/^[A-Za-z0-9]/.test(name)) {
        return { key: "add.name.badStart", params: { character: Array.from(name)[0] } };
      }
      var bad = Array.from(name).find(function (character) { return !/[A-Za-z0-9_-]/.test(character); });
      if (/\s/.test(bad)) return { key: "add.name.space" };
      return { key: "add.name.badCharacter", params: { character: bad } };
    }
    var lower = name.toLowerCase();
    var existing = existingJobs.find(function (job) { return job.name.toLowerCase() === lower; });
    if (existing) {
      return {
        key: existing.name === name ? "add.name.exists" : "add.name.existsOtherCase",
        params: { name: existing.name, type: t("type." + existing.type) }
      };
    }
    return null;
  }

  function showFieldMessage(field) {
    var element = field === "name" ? nameError : fileError;
    var input = field === "name" ? nameInput : fileInput;
    portal.showFieldMessage(element, input, fieldMessages[field]);
  }

  function setFieldMessage(field, entry) {
    fieldMessages[field] = entry;
    showFieldMessage(field);
  }

  function validateName() {
    setFieldMessage("name", checkName(nameInput.value));
    return !fieldMessages.name;
  }

  function isZip(file) {
    return /\.zip$/i.test(file.name) || file.type === "application/zip" ||
      file.type === "application/x-zip-compressed";
  }

  function validateFile() {
    var file = fileInput.files[0];
    if (!file) setFieldMessage("file", { key: "add.file.missing" });
    else if (file.size === 0) setFieldMessage("file", { key: "add.file.empty", params: { file: file.name } });
    else setFieldMessage("file", null);
    return !fieldMessages.file;
  }

  function updateVisibility() {
    var triggered = jobType() === "triggered";
    document.getElementById("scale-field").hidden = triggered;
    document.getElementById("trigger-field").hidden = !triggered;
    document.getElementById("schedule-group").hidden = !isScheduled();
    document.getElementById("type-hint").textContent =
      t(triggered ? "add.type.triggeredHint" : "add.type.continuousHint");
    if (isScheduled() && scheduleField) scheduleField.check();
  }

  function loadJobs() {
    return portal.api("GET", "/api/webjobs").then(function (response) {
      return response.json();
    }).then(function (jobs) {
      existingJobs = jobs;
    });
  }

  // Quotes a file name for Content-Disposition. Header values must be
  // Latin-1, so a name with other characters goes in filename* (RFC 5987,
  // which the host prefers) with a plain fallback in filename.
  function contentDisposition(fileName) {
    var plain = fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
    var header = 'attachment; filename="' + plain + '"';
    if (plain !== fileName) {
      header += "; filename*=UTF-8''" + encodeURIComponent(fileName).replace(/['()*]/g, function (c) {
        return "%" + c.charCodeAt(0).toString(16).toUpperCase();
      });
    }
    return header;
  }

  function uploadUrl(type, name) {
    var query = [];
    if (type === "continuous") {
      query.push("singleton=" + (selected("scale") === "single" ? "true" : "false"));
    } else if (isScheduled()) {
      query.push("schedule=" + encodeURIComponent(scheduleField.expression()));
      if (scheduleField.timeZone()) query.push("time_zone=" + encodeURIComponent(scheduleField.timeZone()));
    }
    return "/api/" + type + "webjobs/" + encodeURIComponent(name) + (query.length ? "?" + query.join("&") : "");
  }

  function setProgress(fraction) {
    var value = Math.max(0, Math.min(100, Math.round(fraction * 100)));
    progress.value = value;
    percent.textContent = value + "%";
    progress.setAttribute("aria-valuetext", value + "%");
  }

  // Sends the file with XMLHttpRequest, whose upload events drive the
  // progress bar (fetch has none). Resolves to {status, text}.
  function sendFile(url, file) {
    return new Promise(function (resolve, reject) {
      var request = new XMLHttpRequest();
      request.open("PUT", url);
      request.setRequestHeader("X-CSRF-Token", portal.csrfToken());
      request.setRequestHeader("Content-Type", isZip(file) ? "application/zip" : "application/octet-stream");
      request.setRequestHeader("Content-Disposition", contentDisposition(file.name));
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable && event.total > 0) setProgress(event.loaded / event.total);
      });
      request.upload.addEventListener("load", function () {
        setProgress(1);
        uploadLabel.textContent = t("add.upload.installing");
      });
      request.addEventListener("load", function () {
        resolve({ status: request.status, text: request.responseText });
      });
      request.addEventListener("error", function () { reject(new Error(t("common.networkError"))); });
      request.addEventListener("abort", function () { reject(new Error(t("common.networkError"))); });
      request.send(file);
    });
  }

  // Returns the field a rejected upload concerns: "name", "file",
  // "expression", "timeZone", or "" for the page's alert.
  function fieldOfError(status, text) {
    if (status === 409) return "name";
    if (status === 413) return "file";
    if (status !== 400) return "";
    if (/^invalid job name/.test(text)) return "name";
    var scheduled = isScheduled();
    if (scheduled && /time_zone/.test(text)) return "timeZone";
    if (scheduled && /"schedule"|^invalid schedule/.test(text)) return "expression";
    // Everything else a 400 names is about the package: the zip, its
    // entries, its script or its own settings.job.
    return "file";
  }

  function showUploadError(status, text) {
    var field = fieldOfError(status, text);
    if (field === "name") {
      setFieldMessage("name", { key: "add.name.rejected", detail: text });
      nameInput.focus();
    } else if (field === "file") {
      setFieldMessage("file", { key: status === 413 ? "add.file.tooLarge" : "add.file.rejected", detail: text });
      fileInput.focus();
    } else if (field) {
      scheduleField.showServerError(field, text);
    } else {
      portal.showStatus(t("add.failed", { error: text }), true);
    }
  }

  function finishUpload() {
    uploading = false;
    submitButton.disabled = false;
  }

  function submit() {
    var type = jobType();
    var name = nameInput.value;
    var file = fileInput.files[0];
    portal.showStatus("");
    nameTouched = true;
    var scheduleValid = isScheduled() ? scheduleField.validate() : Promise.resolve(true);
    uploading = true;
    submitButton.disabled = true;
    // The list is read again, so a job added meanwhile is reported here
    // instead of being replaced by the upload.
    return Promise.all([loadJobs(), scheduleValid]).then(function (results) {
      var nameValid = validateName();
      var fileValid = validateFile();
      if (!nameValid) nameInput.focus();
      else if (!fileValid) fileInput.focus();
      else if (!results[1]) document.getElementById("schedule").focus();
      if (!nameValid || !fileValid || !results[1]) {
        finishUpload();
        return;
      }
      setProgress(0);
      uploadLabel.textContent = t("add.upload.sending");
      upload.hidden = false;
      portal.showStatus(t("add.uploading", { file: file.name }));
      return sendFile(uploadUrl(type, name), file).then(function (result) {
        if (result.status === 200) {
          portal.showStatus(t("add.added", { name: name }));
          location.assign("/portal/jobs/" + type + "/" + encodeURIComponent(name));
          return;
        }
        finishUpload();
        upload.hidden = true;
        portal.showStatus("");
        if (result.status === 401) {
          location.assign(portal.signInUrl());
          return;
        }
        showUploadError(result.status, result.text || ("HTTP " + result.status));
      });
    }).catch(function (error) {
      finishUpload();
      upload.hidden = true;
      portal.showStatus(t("add.failed", { error: error.message }), true);
    });
  }

  function renderUser() {
    if (!session.user) return;
    document.getElementById("signed-in-user").textContent =
      t("common.signedInAs", { user: session.user, scope: t("scope." + session.scope) });
  }

  function renderLanguage() {
    document.title = t("add.title");
    renderUser();
    showFieldMessage("name");
    showFieldMessage("file");
    if (scheduleField) scheduleField.refreshLanguage();
    updateVisibility();
    if (!upload.hidden) {
      uploadLabel.textContent = t(progress.value >= 100 ? "add.upload.installing" : "add.upload.sending");
    }
  }

  nameInput.addEventListener("input", function () {
    nameTouched = true;
    validateName();
  });
  nameInput.addEventListener("blur", function () {
    if (nameTouched) validateName();
  });
  fileInput.addEventListener("change", function () {
    upload.hidden = true;
    validateFile();
  });
  form.addEventListener("change", function (event) {
    if (event.target.type === "radio") updateVisibility();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!uploading) submit();
  });
  document.getElementById("sign-out").addEventListener("click", function () { portal.signOut(); });

  portal.onLanguageChange(renderLanguage);
  portal.bindLanguageSelect();

  portal.loadCatalog(portal.language()).then(function () {
    document.title = t("add.title");
    return portal.requireSession();
  }).then(function (current) {
    session = current;
    renderUser();
    if (!portal.scopeAllows(session.scope, "admin")) {
      document.getElementById("not-allowed").hidden = false;
      return;
    }
    scheduleField = window.WebJobsScheduleField.create({
      expression: document.getElementById("schedule"),
      examples: document.getElementById("schedule-example"),
      timeZone: document.getElementById("time-zone"),
      timeZoneList: document.getElementById("time-zones"),
      expressionMessage: document.getElementById("schedule-error"),
      expressionNote: document.getElementById("schedule-note"),
      timeZoneMessage: document.getElementById("time-zone-error"),
      timeZoneNote: document.getElementById("time-zone-note"),
      preview: document.getElementById("schedule-preview"),
      previewHeading: document.getElementById("preview-heading")
    }, { required: isScheduled });
    form.hidden = false;
    updateVisibility();
    nameInput.focus();
    return loadJobs();
  }).catch(function (error) { portal.showStatus(t("add.loadFailed", { error: error.message }), true); });
})();
