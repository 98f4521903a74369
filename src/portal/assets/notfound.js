// The page for a portal address that names no page: the top bar and a
// link back to the list, in the user's language.
"use strict";

(function () {
  window.WebJobsJobPage.start().catch(function () {
    /* requireSession has opened the sign-in page. */
  });
})();
