// Calls one method of kudu-api's WebJobs client against a webjobs host and
// prints the outcome as one JSON line on stdout:
//   {"ok": true, "status": 200, "data": ..., "location": "..."}
//   {"ok": false, "status": 404, "error": "..."}
//
// Usage: node kudu_client.js METHOD [ARGUMENT...]
//   METHOD    a function of kudu.webjobs, such as listAll, uploadTriggered,
//             runTriggered or stopContinuous; the arguments are passed
//             before the callback, as strings
// Environment:
//   WEBJOBS_TEST_BASE_URL   the host's address, such as http://127.0.0.1:8420
//   WEBJOBS_TEST_USER, WEBJOBS_TEST_PASSWORD
//                           credentials kudu-api sends as HTTP Basic
//                           authentication; unset means none
//
// kudu-api 1.4.1 has no option for the address: it always sends requests to
// https://{website}.scm.azurewebsites.net/. Its files stay unchanged. This
// script wraps request.defaults(), the one call kudu-api makes to build its
// HTTP client, and replaces that base URL with WEBJOBS_TEST_BASE_URL. Every
// other option kudu-api sets, its Authorization header included, is kept.
"use strict";

const request = require("request");

const WEBSITE = "webjobs-test";
const KUDU_BASE_URL = `https://${WEBSITE}.scm.azurewebsites.net/`;

function fail(message) {
  process.stderr.write(`kudu_client.js: ${message}\n`);
  process.exit(2);
}

const baseUrl = process.env.WEBJOBS_TEST_BASE_URL;
if (!baseUrl) fail("WEBJOBS_TEST_BASE_URL is not set; set it to the host's URL");

const defaults = request.defaults.bind(request);
request.defaults = function redirectedDefaults(options) {
  if (!options || options.baseUrl !== KUDU_BASE_URL) {
    fail(`kudu-api built a client for ${options && options.baseUrl}, expected ${KUDU_BASE_URL}; ` +
         "its version changed, so update this script");
  }
  return defaults(Object.assign({}, options, { baseUrl: baseUrl.replace(/\/?$/, "/") }));
};

const kudu = require("kudu-api")({
  website: WEBSITE,
  username: process.env.WEBJOBS_TEST_USER || undefined,
  password: process.env.WEBJOBS_TEST_PASSWORD || undefined,
});

const [method, ...args] = process.argv.slice(2);
if (!method || typeof kudu.webjobs[method] !== "function") {
  fail(`unknown method ${JSON.stringify(method)}; use one of ${Object.keys(kudu.webjobs).join(", ")}`);
}

// kudu-api calls back with (error, data, response), or (error, response)
// for methods that return no body.
kudu.webjobs[method](...args, (error, second, third) => {
  const response = third || (second && second.statusCode !== undefined ? second : undefined);
  const data = third ? second : undefined;
  const outcome = {
    ok: !error,
    status: response ? response.statusCode : null,
    location: response ? response.headers.location || null : null,
  };
  if (error) outcome.error = String(error.message || error);
  if (data !== undefined) outcome.data = data;
  process.stdout.write(JSON.stringify(outcome) + "\n");
});
