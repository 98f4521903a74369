// Shared code of the portal's pages: message catalogs, the language
// switch, dates in the user's locale and time zone, durations in the
// user's language, and API requests with the session cookie and CSRF token.
"use strict";

window.WebJobsPortal = (function () {
  var LANGUAGES = ["en", "ko"];
  var LANGUAGE_COOKIE = "webjobs_lang";
  var catalog = {};
  var csrfToken = "";
  var languageListeners = [];

  function currentLanguage() {
    var lang = document.documentElement.lang;
    return LANGUAGES.indexOf(lang) >= 0 ? lang : LANGUAGES[0];
  }

  // Returns the message `key` with each {name} replaced by params[name].
  // A key missing from the catalog shows as itself, so tests notice it.
  function t(key, params) {
    var text = Object.prototype.hasOwnProperty.call(catalog, key) ? catalog[key] : key;
    return text.replace(/\{([A-Za-z0-9_]+)\}/g, function (whole, name) {
      return params && Object.prototype.hasOwnProperty.call(params, name)
        ? String(params[name]) : whole;
    });
  }

  // Fills the text of every [data-i18n] element and the attributes named by
  // data-i18n-attr ("aria-label:key;title:key") below `root`.
  function translate(root) {
    root.querySelectorAll("[data-i18n]").forEach(function (element) {
      element.textContent = t(element.getAttribute("data-i18n"));
    });
    root.querySelectorAll("[data-i18n-attr]").forEach(function (element) {
      element.getAttribute("data-i18n-attr").split(";").forEach(function (pair) {
        var parts = pair.split(":");
        if (parts.length === 2) element.setAttribute(parts[0].trim(), t(parts[1].trim()));
      });
    });
  }

  function loadCatalog(lang) {
    return fetch("/portal/i18n/" + lang + ".json", { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("message catalog " + lang + ": HTTP " + response.status);
        return response.json();
      })
      .then(function (messages) {
        catalog = messages;
        document.documentElement.lang = lang;
        translate(document);
        document.documentElement.classList.add("ready");
      });
  }

  // Switches the page to `lang` and remembers the choice for a year.
  function setLanguage(lang) {
    if (LANGUAGES.indexOf(lang) < 0) return Promise.resolve();
    var secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = LANGUAGE_COOKIE + "=" + lang + "; Path=/; Max-Age=31536000; SameSite=Strict" + secure;
    return loadCatalog(lang).then(function () {
      languageListeners.forEach(function (listener) { listener(lang); });
    });
  }

  function onLanguageChange(listener) { languageListeners.push(listener); }

  function bindLanguageSelect() {
    var select = document.getElementById("language");
    if (!select) return;
    select.value = currentLanguage();
    select.addEventListener("change", function () { setLanguage(select.value); });
  }

  // The BCP 47 locale for dates: the browser's preferred locale of the
  // page's language ("en-GB" for a British English browser), else the
  // language itself.
  function locale() {
    var lang = currentLanguage();
    var preferred = navigator.languages || [navigator.language];
    for (var i = 0; i < preferred.length; i++) {
      if (preferred[i] && preferred[i].split("-")[0].toLowerCase() === lang) return preferred[i];
    }
    return lang;
  }

  function timeZone() {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  }

  // Formats an ISO 8601 time in the user's locale and time zone, or in the
  // IANA zone `zone` when given. Returns "" for none or for .NET's unset
  // date (year 1), and throws RangeError for a zone the browser lacks.
  function formatDate(iso, zone) {
    if (!iso) return "";
    var date = new Date(iso);
    if (isNaN(date.getTime()) || date.getUTCFullYear() < 1970) return "";
    var options = { dateStyle: "medium", timeStyle: "medium" };
    if (zone) options.timeZone = zone;
    return new Intl.DateTimeFormat(locale(), options).format(date);
  }

  // Converts .NET TimeSpan text, which the API writes for durations
  // ("[d.]hh:mm:ss[.fffffff]", such as "00:00:05.2222222"), to
  // milliseconds. Returns NaN for text of another form.
  function parseTimeSpan(text) {
    var match = /^(-)?(?:(\d+)\.)?(\d+):(\d\d):(\d\d)(?:\.(\d{1,7}))?$/.exec(String(text || ""));
    if (!match) return NaN;
    var ms = (Number(match[2] || 0) * 86400 + Number(match[3]) * 3600 +
              Number(match[4]) * 60 + Number(match[5])) * 1000;
    if (match[6]) ms += Number((match[6] + "000000").slice(0, 7)) / 10000;
    return match[1] ? -ms : ms;
  }

  // Formats a duration in milliseconds in the page's language with the
  // two largest units: "15 ms", "3.2 s", "42 s", "1 min 5 s", "2 h 3 min",
  // "1 d 4 h" ("1분 5초" in Korean). Tenths of a second show from 1 s to
  // 10 s only. Returns "" for a value that is not a number.
  function formatDuration(ms) {
    if (typeof ms !== "number" || isNaN(ms)) return "";
    ms = Math.max(0, ms);
    if (ms < 1000) return t("duration.milliseconds", { n: Math.round(ms) });
    if (ms < 10000) {
      var tenths = Math.floor(ms / 100) / 10;
      var seconds = new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(tenths);
      return t("duration.seconds", { n: seconds });
    }
    var total = Math.floor(ms / 1000);
    var units = [
      { key: "duration.days", size: 86400 },
      { key: "duration.hours", size: 3600 },
      { key: "duration.minutes", size: 60 },
      { key: "duration.seconds", size: 1 }
    ];
    var parts = [];
    for (var i = 0; i < units.length && parts.length < 2; i++) {
      var count = Math.floor(total / units[i].size);
      total -= count * units[i].size;
      // A zero after the first unit ends the text: "1 min", not "1 min 0 s".
      if (count > 0) parts.push(t(units[i].key, { n: count }));
      else if (parts.length) break;
    }
    return parts.join(" ");
  }

  // Shows `text` in the page's status line (#message) and empties its
  // alert (#error), or the other way round when `isError`.
  function showStatus(text, isError) {
    document.getElementById("message").textContent = isError ? "" : text;
    document.getElementById("error").textContent = isError ? text : "";
  }

  // The alert that the last failed refresh showed. clearLoadError removes
  // it after a refresh succeeds, and leaves the error of an action alone.
  var loadError = "";

  function showLoadError(text) {
    loadError = text;
    showStatus(text, true);
  }

  function clearLoadError() {
    var alert = document.getElementById("error");
    if (loadError && alert.textContent === loadError) alert.textContent = "";
    loadError = "";
  }

  // Shows a field's message `entry` ({key, params, detail}) in `element`
  // and marks `input` (if any) invalid, or clears both when `entry` is null.
  // `detail` is the host's own English text, marked so for screen readers.
  function showFieldMessage(element, input, entry) {
    element.textContent = "";
    if (!entry) {
      if (input) input.removeAttribute("aria-invalid");
      return;
    }
    if (input) input.setAttribute("aria-invalid", "true");
    element.appendChild(document.createTextNode(t(entry.key, entry.params)));
    if (entry.detail) {
      var detail = document.createElement("span");
      detail.className = "detail";
      detail.lang = "en";
      detail.textContent = entry.detail;
      element.appendChild(document.createTextNode(" "));
      element.appendChild(detail);
    }
  }

  function signInUrl() {
    return "/portal/signin?next=" + encodeURIComponent(location.pathname + location.search);
  }

  // Sends an API request with the session cookie. Requests that may change
  // something carry the CSRF token. A 401 (session ended) opens the
  // sign-in page. Resolves to the response; rejects with an Error whose
  // message is the server's text and whose `status` is the HTTP status for
  // other failures. When no response arrives (host down, connection lost),
  // the message is common.networkError instead of the browser's own text,
  // such as "Failed to fetch", and `status` is 0.
  function api(method, path, body) {
    var headers = {};
    if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrfToken;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(path, {
      method: method,
      headers: headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body)
    }).catch(function () {
      var error = new Error(t("common.networkError"));
      error.status = 0;
      throw error;
    }).then(function (response) {
      if (response.status === 401) {
        location.assign(signInUrl());
        throw new Error(t("common.sessionEnded"));
      }
      if (!response.ok) {
        return response.text().then(function (text) {
          var error = new Error(text || ("HTTP " + response.status));
          error.status = response.status;
          throw error;
        });
      }
      return response;
    });
  }

  // Loads the session: resolves to {user, scope} or opens the sign-in page.
  function requireSession() {
    return fetch("/portal/session", { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        location.assign(signInUrl());
        throw new Error(t("common.sessionEnded"));
      }
      return response.json();
    }).then(function (session) {
      csrfToken = session.csrf_token;
      return session;
    });
  }

  function signOut() {
    return fetch("/portal/session", {
      method: "DELETE",
      headers: { "X-CSRF-Token": csrfToken },
      credentials: "same-origin"
    }).then(function () {
      location.assign("/portal/signin");
    });
  }

  // The session's CSRF token, for requests not sent through api(), such as
  // an upload with progress events.
  function currentCsrfToken() { return csrfToken; }

  // True when `scope` includes `needed` (read < operate < admin).
  function scopeAllows(scope, needed) {
    var order = ["read", "operate", "admin"];
    return order.indexOf(scope) >= order.indexOf(needed);
  }

  return {
    t: t,
    translate: translate,
    language: currentLanguage,
    loadCatalog: loadCatalog,
    setLanguage: setLanguage,
    onLanguageChange: onLanguageChange,
    bindLanguageSelect: bindLanguageSelect,
    timeZone: timeZone,
    formatDate: formatDate,
    showStatus: showStatus,
    showLoadError: showLoadError,
    clearLoadError: clearLoadError,
    showFieldMessage: showFieldMessage,
    parseTimeSpan: parseTimeSpan,
    formatDuration: formatDuration,
    api: api,
    requireSession: requireSession,
    csrfToken: currentCsrfToken,
    signInUrl: signInUrl,
    signOut: signOut,
    scopeAllows: scopeAllows
  };
})();
