// The sign-in page: posts the user name and password to /portal/session,
// which sets the session cookie, then opens the page named by ?next=.
"use strict";

(function () {
  var portal = window.WebJobsPortal;
  var form = document.getElementById("signin-form");
  var error = document.getElementById("error");

  // Only portal pages of this host are followed, never another site.
  function nextPage() {
    var next = new URLSearchParams(location.search).get("next") || "";
    return /^\/portal\/[A-Za-z0-9_\-\/]*$/.test(next) ? next : "/portal/";
  }

  function showError(text) {
    error.textContent = text;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var user = form.elements.user.value.trim();
    var password = form.elements.password.value;
    if (!user || !password) {
      showError(portal.t("signIn.missing"));
      (user ? form.elements.password : form.elements.user).focus();
      return;
    }
    showError("");
    fetch("/portal/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ user: user, password: password })
    }).then(function (response) {
      if (response.ok) {
        location.assign(nextPage());
        return;
      }
      if (response.status === 401) {
        showError(portal.t("signIn.wrong"));
      } else if (response.status === 429) {
        showError(portal.t("signIn.throttled", { seconds: response.headers.get("Retry-After") || "60" }));
      } else {
        return response.text().then(function (text) { showError(text); });
      }
      form.elements.password.value = "";
      form.elements.password.focus();
    }).catch(function () {
      showError(portal.t("common.networkError"));
    });
  });

  portal.bindLanguageSelect();
  portal.loadCatalog(portal.language()).then(function () {
    // A browser that still has a session goes straight on.
    return fetch("/portal/session", { credentials: "same-origin" });
  }).then(function (response) {
    if (response.ok) location.replace(nextPage());
  });
})();
