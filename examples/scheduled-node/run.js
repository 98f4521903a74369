// Scheduled WebJob example: the schedule in settings.job starts it every
// 15 seconds ("*/15 * * * * *": NCRONTAB, seconds first). Each run prints
// the time and its run id, and counts its runs in WEBJOBS_DATA_PATH.
//
// Deploy:  zip node.zip run.js settings.job
//          webjobs deploy node.zip --name node-schedule --type triggered
// Try it:  node run.js
'use strict';

const fs = require('fs');
const path = require('path');

const runId = process.env.WEBJOBS_RUN_ID || '(WEBJOBS_RUN_ID not set)';
console.log(`Scheduled run ${runId} at ${new Date().toISOString()}`);

const dataPath = process.env.WEBJOBS_DATA_PATH;
if (dataPath) {
  const counterFile = path.join(dataPath, 'run-count.txt');
  let count = 0;
  try {
    count = parseInt(fs.readFileSync(counterFile, 'utf8'), 10) || 0;
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  count += 1;
  fs.writeFileSync(counterFile, `${count}\n`);
  console.log(`This job has run ${count} times`);
}
