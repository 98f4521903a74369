// The schedule fields shared by the Add WebJob and Settings pages: a CRON
// expression (NCRONTAB, six fields with seconds) and a time zone, checked
// as the user types, with the next five run times from
// GET /api/schedule/preview shown in the chosen zone.
//
// The page calls WebJobsScheduleField.create(elements, options) once its
// message catalog is loaded. Quick checks (field count, characters,
// macros) run in the browser and speak the page's language. Everything
// else is left to the host, whose message is shown after a translated lead
// sentence, so the page never accepts what the scheduler would reject.
"use strict";

window.WebJobsScheduleField = (function () {
  var portal = window.WebJobsPortal;
  var t = portal.t;
  var DEBOUNCE_MS = 300;
  var PREVIEW_COUNT = 5;
  // A schedule that always parses, to check a time zone on its own.
  var PROBE_EXPRESSION = "0 0 0 * * *";
  var SIX_FIELDS = ["second", "minute", "hour", "day", "month", "weekday"];
  var FIVE_FIELDS = ["minute", "hour", "day", "month", "weekday"];

  // Common expressions offered in the examples menu, each with its catalog key.
  var EXAMPLES = [
    ["0 */5 * * * *", "settings.schedule.example.every5Minutes"],
    ["0 */15 * * * *", "settings.schedule.example.every15Minutes"],
    ["0 0/20 * * * *", "settings.schedule.example.every20Minutes"],
    ["0 0 * * * *", "settings.schedule.example.hourly"],
    ["0 0 */2 * * *", "settings.schedule.example.every2Hours"],
    ["0 0 0 * * *", "settings.schedule.example.daily"],
    ["0 30 9 * * 1-5", "settings.schedule.example.weekdays"],
    ["0 0 2 * * 0", "settings.schedule.example.sundays"],
    ["0 0 0 1 * *", "settings.schedule.example.monthly"]
  ];

  // Returns the IANA zones the browser supports, for the time zone suggestions.
  function browserTimeZones() {
    var zones = [];
    if (typeof Intl.supportedValuesOf === "function") {
      try { zones = Intl.supportedValuesOf("timeZone").slice(); } catch (ignored) { zones = []; }
    }
    if (zones.indexOf("UTC") < 0) zones.push("UTC");
    return zones.sort();
  }

  // Checks what the browser can check without the host. Returns null when
  // the expression may be valid, else {key, params} of a message.
  function checkExpressionLocally(expression) {
    if (expression.charAt(0) === "@") {
      return { key: "settings.schedule.macro", params: { macro: expression.split(/\s/)[0] } };
    }
    var fields = expression.split(/\s+/);
    if (fields.length !== 6 && fields.length !== 5) {
      return { key: "settings.schedule.fieldCount", params: { count: fields.length } };
    }
    var names = fields.length === 6 ? SIX_FIELDS : FIVE_FIELDS;
    for (var i = 0; i < fields.length; i++) {
      var bad = fields[i].match(/[^0-9A-Za-z*,\/-]/);
      if (bad) {
        return {
          key: "settings.schedule.character",
          params: { character: bad[0], field: t("settings.schedule.field." + names[i]) }
        };
      }
    }
    return null;
  }

  function previewPath(expression, zone, count) {
    var query = "expression=" + encodeURIComponent(expression) + "&count=" + count;
    if (zone) query += "&time_zone=" + encodeURIComponent(zone);
    return "/api/schedule/preview?" + query;
  }

  // Returns a promise of {ok: true, body} or {ok: false, status, text}, so
  // that a 400 is a result, not a failure. A network failure rejects.
  function requestPreview(expression, zone, count) {
    return portal.api("GET", previewPath(expression, zone, count)).then(function (response) {
      return response.json().then(function (body) { return { ok: true, body: body }; });
    }, function (error) {
      // A 400 carries the host's message about the expression or zone.
      if (error.status === 400) return { ok: false, text: error.message };
      throw error;
    });
  }

  function isTimeZoneError(text) {
    return /time zone/i.test(text) && !/^invalid schedule/.test(text);
  }

  // Wires the elements of one form. `elements` holds: expression (input),
  // examples (select), timeZone (input), timeZoneList (datalist),
  // expressionMessage, expressionNote, timeZoneMessage, timeZoneNote,
  // preview (ol) and previewHeading. `options.required()` returns whether an
  // empty expression is an error (else it means "no schedule");
  // `options.onChange()` is called after each check.
  function create(elements, options) {
    options = options || {};
    var required = options.required || function () { return false; };
    var onChange = options.onChange || function () {};
    var timer = null;
    var sequence = 0;
    var defaultZone = "";
    // An empty required expression is reported only once the user has
    // typed in the field or tried to save, not as soon as it appears.
    var touched = false;
    var zoneCache = {};
    // What is shown, kept as catalog keys so a language switch can redraw it.
    var state = {
      expressionError: null,   // {key, params, detail}
      zoneError: null,         // {key, params, detail}
      zoneName: "",            // the IANA zone the host resolved
      preview: null            // the preview response body
    };

    function expression() { return elements.expression.value.trim(); }
    function zone() { return elements.timeZone.value.trim(); }

    function fillTimeZoneList() {
      elements.timeZoneList.textContent = "";
      browserTimeZones().forEach(function (name) {
        var option = document.createElement("option");
        option.value = name;
        elements.timeZoneList.appendChild(option);
      });
    }

    function fillExamples() {
      var select = elements.examples;
      select.textContent = "";
      var placeholder = document.createElement("option");
      placeholder.value = "";
      placeholder.textContent = t("settings.schedule.examples.choose");
      select.appendChild(placeholder);
      EXAMPLES.forEach(function (example) {
        var option = document.createElement("option");
        option.value = example[0];
        option.textContent = t(example[1]) + " \u2014 " + example[0];
        select.appendChild(option);
      });
      select.value = "";
    }

    function occurrenceItem(occurrence, zoneName) {
      var item = document.createElement("li");
      var time = document.createElement("time");
      time.dateTime = occurrence.utc;
      try {
        time.textContent = portal.formatDate(occurrence.utc, zoneName);
      } catch (ignored) {
        // A zone the browser does not know: show the host's local time.
        time.textContent = occurrence.local_time.replace("T", " ");
      }
      item.appendChild(time);
      var zoneLabel = document.createElement("span");
      zoneLabel.className = "hint";
      zoneLabel.textContent = " " + occurrence.abbreviation +
        (occurrence.abbreviation === "UTC" ? "" : " (UTC" + occurrence.offset + ")");
      item.appendChild(zoneLabel);
      var note = null;
      if (occurrence.dst_gap) {
        note = t("settings.schedule.dstGap", { time: occurrence.dst_gap.skipped_local_time.slice(11) });
      } else if (occurrence.dst_overlap) {
        note = t(occurrence.dst_overlap.pass === "first"
          ? "settings.schedule.dstFirstPass" : "settings.schedule.dstSecondPass");
      }
      if (note) {
        var mark = document.createElement("span");
        mark.className = "note";
        mark.textContent = " " + note;
        item.appendChild(mark);
      }
      return item;
    }

    function render() {
      portal.showFieldMessage(elements.expressionMessage, elements.expression, state.expressionError);
      portal.showFieldMessage(elements.timeZoneMessage, elements.timeZone, state.zoneError);

      var shownZone = state.zoneName || zone() || defaultZone;
      if (zone()) {
        elements.timeZoneNote.textContent = state.zoneName && state.zoneName !== zone()
          ? t("settings.timeZone.mapped", { zone: state.zoneName }) : "";
      } else {
        elements.timeZoneNote.textContent = defaultZone
          ? t("settings.timeZone.default", { zone: defaultZone }) : "";
      }

      var note = "";
      var preview = state.preview;
      if (preview && !state.expressionError) {
        if (expression().split(/\s+/).length === 5) {
          note = t("settings.schedule.fiveFields", { expanded: preview.expanded });
        } else if (preview.expanded !== preview.expression) {
          note = t("settings.schedule.expanded", { expanded: preview.expanded });
        }
      } else if (!expression() && !required() && !state.expressionError) {
        note = t("settings.schedule.none");
      }
      elements.expressionNote.textContent = note;

      elements.preview.textContent = "";
      var showPreview = preview && !state.expressionError && !state.zoneError;
      elements.previewHeading.hidden = !showPreview;
      elements.preview.hidden = !showPreview;
      if (showPreview) {
        elements.previewHeading.textContent = t("settings.schedule.previewHeading",
          { count: preview.occurrences.length, zone: preview.time_zone || shownZone });
        preview.occurrences.forEach(function (occurrence) {
          elements.preview.appendChild(occurrenceItem(occurrence, preview.time_zone));
        });
        if (preview.occurrences.length === 0) {
          var none = document.createElement("li");
          none.textContent = t("settings.schedule.neverRuns");
          elements.preview.appendChild(none);
        }
      }
    }

    // Resolves to the zone check {error, name} for `name`, from the cache
    // when the host has been asked before.
    function checkZone(name) {
      if (!name) return Promise.resolve({ error: null, name: "" });
      if (zoneCache[name]) return Promise.resolve(zoneCache[name]);
      return requestPreview(PROBE_EXPRESSION, name, 1).then(function (result) {
        var checked = result.ok
          ? { error: null, name: result.body.time_zone }
          : { error: { key: "settings.timeZone.invalid", detail: result.text }, name: "" };
        zoneCache[name] = checked;
        return checked;
      });
    }

    // Checks the current values; resolves to true when they may be saved.
    function check() {
      var mine = ++sequence;
      var currentExpression = expression();
      var currentZone = zone();
      var local = null;
      var missing = !currentExpression && required();
      if (!currentExpression) {
        local = missing && touched ? { key: "settings.schedule.missing" } : null;
      } else {
        local = checkExpressionLocally(currentExpression);
      }

      return checkZone(currentZone).then(function (zoneResult) {
        if (mine !== sequence) return null;
        state.zoneError = zoneResult.error;
        state.zoneName = zoneResult.name;
        if (local || !currentExpression || zoneResult.error) {
          return { ok: false, local: true };
        }
        return requestPreview(currentExpression, currentZone, PREVIEW_COUNT);
      }).then(function (result) {
        if (mine !== sequence || result === null) return null;
        state.expressionError = local;
        state.preview = null;
        if (result.ok) {
          state.preview = result.body;
        } else if (!result.local) {
          if (isTimeZoneError(result.text)) {
            state.zoneError = { key: "settings.timeZone.invalid", detail: result.text };
          } else {
            state.expressionError = { key: "settings.schedule.invalid", detail: result.text };
          }
        }
        render();
        onChange();
        return !missing && !state.expressionError && !state.zoneError;
      }).catch(function (error) {
        if (mine !== sequence) return null;
        state.expressionError = { key: "settings.schedule.checkFailed", detail: error.message };
        render();
        onChange();
        return false;
      });
    }

    function scheduleCheck() {
      clearTimeout(timer);
      timer = setTimeout(check, DEBOUNCE_MS);
    }

    // Checks now, without waiting for the pause after typing, and resolves
    // to true when the values may be saved.
    function validate() {
      clearTimeout(timer);
      touched = true;
      // null: a newer check started meanwhile, so its result is the one to use.
      return check().then(function (valid) { return valid === null ? validate() : valid; });
    }

    // Shows a message the host sent for a save or an upload beside the
    // field it concerns ("expression" or "timeZone").
    function showServerError(field, text) {
      var message = { key: field === "timeZone" ? "settings.timeZone.rejected" : "settings.schedule.rejected",
                      detail: text };
      if (field === "timeZone") state.zoneError = message;
      else state.expressionError = message;
      render();
      (field === "timeZone" ? elements.timeZone : elements.expression).focus();
    }

    function setValues(expressionValue, zoneValue) {
      elements.expression.value = expressionValue || "";
      elements.timeZone.value = zoneValue || "";
      state.expressionError = null;
      state.zoneError = null;
      return check();
    }

    function setDisabled(disabled) {
      elements.expression.readOnly = disabled;
      elements.timeZone.readOnly = disabled;
      elements.examples.disabled = disabled;
      elements.examples.hidden = disabled;
    }

    function refreshLanguage() {
      fillExamples();
      render();
    }

    elements.expression.addEventListener("input", function () {
      touched = true;
      scheduleCheck();
    });
    elements.timeZone.addEventListener("input", scheduleCheck);
    elements.timeZone.addEventListener("change", scheduleCheck);
    elements.examples.addEventListener("change", function () {
      if (!elements.examples.value) return;
      elements.expression.value = elements.examples.value;
      elements.examples.value = "";
      elements.expression.focus();
      check();
    });

    fillTimeZoneList();
    fillExamples();
    // The host's default zone, named beside an empty time zone field.
    var ready = requestPreview(PROBE_EXPRESSION, "", 1).then(function (result) {
      if (result.ok) defaultZone = result.body.time_zone;
      render();
    }).catch(function () { render(); });

    return {
      validate: validate,
      check: check,
      showServerError: showServerError,
      setValues: setValues,
      setDisabled: setDisabled,
      refreshLanguage: refreshLanguage,
      expression: expression,
      timeZone: zone,
      ready: ready,
      clearErrors: function () {
        state.expressionError = null;
        state.zoneError = null;
        state.preview = null;
        render();
      }
    };
  }

  return { create: create, examples: EXAMPLES };
})();
