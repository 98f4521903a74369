// The output viewer of the run page and of a continuous job's log page.
// It shows the log in a monospace block that "Toggle output" shows and
// hides. Search highlights matches (case-insensitive, with next and
// previous), a follow switch keeps the newest line in view, a link
// downloads the file, and the live tail reads one of the host's
// server-sent events routes.
"use strict";

window.WebJobsOutputView = (function () {
  var portal = window.WebJobsPortal;
  var t = portal.t;
  // Lines kept in the page. Once MAX_LINES + DROP_LINES are shown, the
  // oldest go until MAX_LINES remain, so a long live tail does not slow the
  // page. The download link still has the whole file.
  var MAX_LINES = 20000;
  var DROP_LINES = 2000;
  var SEARCH_DELAY_MS = 150;
  // Lines of a live tail wait this long and go into the page together, so a
  // job that prints thousands of lines a second costs a few page updates a
  // second, not one per event.
  var FLUSH_MS = 100;
  // A block scrolled to within this many pixels of its end counts as at the
  // end, so rounding of fractional pixels does not stop following.
  var END_SLACK_PX = 8;

  // Creates an element with the given attributes. `i18nKey` becomes its
  // data-i18n, so portal.translate fills and refills its text.
  function make(tag, attributes, i18nKey) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (i18nKey) {
      node.setAttribute("data-i18n", i18nKey);
      node.textContent = t(i18nKey);
    }
    return node;
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  // Builds the viewer inside `container`. options.heading is the message
  // key of its heading, and options.emptyKey the key of the text shown when
  // the log has no line.
  function create(container, options) {
    var lines = [];
    var lineNodes = [];
    var matches = [];           // {line, start, end} in document order
    var matchesByLine = {};     // line index -> indexes into `matches`
    var current = -1;
    var pattern = null;
    var searchTimer = null;
    var following = true;
    var live = false;
    var droppedLines = 0;
    var source = null;

    var header = make("div", { "class": "output-header" });
    var heading = make("h2", { id: "output-heading" }, options.heading);
    var actions = make("div", { "class": "output-actions" });
    var toggle = make("button", {
      type: "button", id: "output-toggle", "aria-expanded": "true", "aria-controls": "output-panel"
    }, "log.toggle");
    var download = make("a", { id: "output-download", "class": "button-link", download: "" },
                        "log.download");
    download.hidden = true;
    actions.appendChild(toggle);
    actions.appendChild(download);
    header.appendChild(heading);
    header.appendChild(actions);

    var panel = make("div", { id: "output-panel", "class": "output-panel" });
    var tools = make("div", { "class": "output-tools" });
    var searchBox = make("div", { "class": "output-search", role: "search",
                                  "data-i18n-attr": "aria-label:log.searchRegion" });
    searchBox.setAttribute("aria-label", t("log.searchRegion"));
    var searchLabel = make("label", { "for": "output-search" }, "log.search");
    var searchInput = make("input", {
      type: "search", id: "output-search", autocomplete: "off", spellcheck: "false",
      "aria-describedby": "output-count"
    });
    var previous = make("button", { type: "button", id: "output-previous", disabled: "" },
                        "log.previous");
    var next = make("button", { type: "button", id: "output-next", disabled: "" }, "log.next");
    var count = make("span", { id: "output-count", "class": "output-count" });
    var announcer = make("span", { "class": "visually-hidden", "aria-live": "polite" });
    [searchLabel, searchInput, previous, next, count, announcer].forEach(function (node) {
      searchBox.appendChild(node);
    });
    var followLabel = make("label", { "class": "output-follow" });
    var followBox = make("input", { type: "checkbox", id: "output-follow" });
    followBox.checked = true;
    followLabel.appendChild(followBox);
    followLabel.appendChild(make("span", {}, "log.follow"));
    var liveBadge = make("span", { "class": "badge live-badge" }, "log.live");
    followLabel.hidden = true;
    liveBadge.hidden = true;
    tools.appendChild(searchBox);
    tools.appendChild(followLabel);
    tools.appendChild(liveBadge);

    var pre = make("pre", {
      id: "output", "class": "output", tabindex: "0", "aria-labelledby": "output-heading"
    });
    var empty = make("p", { "class": "output-empty" }, options.emptyKey);
    var truncated = make("p", { "class": "hint" });
    truncated.hidden = true;
    var note = make("p", { "class": "hint output-note", "aria-live": "polite" });
    var resume = make("button", { type: "button", id: "output-resume" }, "log.resume");
    resume.hidden = true;
    panel.appendChild(tools);
    panel.appendChild(pre);
    panel.appendChild(empty);
    panel.appendChild(truncated);
    panel.appendChild(note);
    panel.appendChild(resume);
    container.appendChild(header);
    container.appendChild(panel);

    // Rendering ----------------------------------------------------------

    function renderLine(index) {
      var node = lineNodes[index];
      var text = lines[index];
      var found = matchesByLine[index];
      node.textContent = "";
      if (!found) {
        node.textContent = text;
        return;
      }
      var position = 0;
      found.forEach(function (matchIndex) {
        var match = matches[matchIndex];
        if (match.start > position) node.appendChild(document.createTextNode(text.slice(position, match.start)));
        var mark = document.createElement("mark");
        mark.textContent = text.slice(match.start, match.end);
        if (matchIndex === current) mark.className = "current";
        node.appendChild(mark);
        position = match.end;
      });
      if (position < text.length) node.appendChild(document.createTextNode(text.slice(position)));
    }

    // Shows "waiting for output" while a live log has no line yet, and the
    // page's empty text when a finished log has none.
    function updateEmpty() {
      var key = live ? "log.waiting" : options.emptyKey;
      empty.hidden = lines.length !== 0;
      empty.setAttribute("data-i18n", key);
      empty.textContent = t(key);
    }

    function isAtEnd() {
      return pre.scrollHeight - pre.scrollTop - pre.clientHeight <= END_SLACK_PX;
    }

    function scrollToEnd() {
      pre.scrollTop = pre.scrollHeight;
    }

    function setFollowing(value) {
      following = value;
      followBox.checked = value;
      if (value && !panel.hidden) scrollToEnd();
    }

    // Search ---------------------------------------------------------------

    function findInLine(index) {
      if (!pattern) return;
      var text = lines[index];
      var found = [];
      pattern.lastIndex = 0;
      var match;
      while ((match = pattern.exec(text)) !== null) {
        if (match[0].length === 0) { pattern.lastIndex++; continue; }
        found.push(matches.length);
        matches.push({ line: index, start: match.index, end: match.index + match[0].length });
      }
      if (found.length) matchesByLine[index] = found;
    }

    function countText() {
      if (!pattern) return "";
      if (!matches.length) return t("log.noMatches");
      return t("log.matchCount", { current: current + 1, total: matches.length });
    }

    function updateCount(announce) {
      count.textContent = countText();
      previous.disabled = next.disabled = matches.length === 0;
      if (announce) announcer.textContent = count.textContent;
    }

    // Scrolls the block, not the page, so the current match is in its
    // middle. Following stops when the block scrolls, so new lines do not
    // carry the match out of view.
    function revealCurrent() {
      if (current < 0 || panel.hidden) return;
      var mark = lineNodes[matches[current].line].querySelector("mark.current");
      if (!mark) return;
      pre.scrollTop = Math.max(0, mark.offsetTop - pre.clientHeight / 2);
      if (pre.scrollHeight > pre.clientHeight) {
        following = false;
        followBox.checked = false;
      }
    }

    function search(announce) {
      var query = searchInput.value;
      var marked = Object.keys(matchesByLine);
      matches = [];
      matchesByLine = {};
      pattern = query ? new RegExp(escapeRegExp(query), "giu") : null;
      for (var i = 0; pattern && i < lines.length; i++) findInLine(i);
      current = matches.length ? 0 : -1;
      // The query the count belongs to, for tests that wait for a search.
      count.setAttribute("data-query", query);
      marked.forEach(function (index) { if (!matchesByLine[index]) renderLine(Number(index)); });
      Object.keys(matchesByLine).forEach(function (index) { renderLine(Number(index)); });
      updateCount(announce);
      if (announce) revealCurrent();
    }

    function step(delta) {
      if (!matches.length) return;
      var old = matches[current] ? matches[current].line : -1;
      current = (current + delta + matches.length) % matches.length;
      if (old >= 0) renderLine(old);
      renderLine(matches[current].line);
      updateCount(true);
      revealCurrent();
    }

    // Content --------------------------------------------------------------

    function showDropped(count) {
      droppedLines += count;
      truncated.hidden = false;
      truncated.textContent = t("log.truncated", { count: droppedLines });
    }

    // Removes the oldest `drop` lines and searches the rest again, keeping
    // the current match when it is still there.
    function dropOldest(drop) {
      for (var i = 0; i < drop; i++) pre.removeChild(lineNodes[i]);
      lines.splice(0, drop);
      lineNodes.splice(0, drop);
      showDropped(drop);
      var keep = current >= 0 ? matches[current] : null;
      search(false);
      if (keep && keep.line >= drop) {
        var same = matches.findIndex(function (match) {
          return match.line === keep.line - drop && match.start === keep.start;
        });
        if (same >= 0) step(same - current);
      }
    }

    // Appends lines to the block, searches them and keeps the newest line
    // in view while following.
    function append(newLines) {
      if (!newLines.length) return;
      if (newLines.length >= MAX_LINES) {
        // Only the newest MAX_LINES of a large batch (a long file) are shown.
        showDropped(lines.length + newLines.length - MAX_LINES);
        newLines = newLines.slice(newLines.length - MAX_LINES);
        lines = [];
        lineNodes = [];
        matches = [];
        matchesByLine = {};
        current = -1;
        pre.textContent = "";
      }
      var fragment = document.createDocumentFragment();
      newLines.forEach(function (text) {
        var index = lines.length;
        var node = document.createElement("span");
        node.className = "line";
        lines.push(text);
        lineNodes.push(node);
        findInLine(index);
        if (current < 0 && matches.length) current = 0;
        renderLine(index);
        fragment.appendChild(node);
      });
      pre.appendChild(fragment);
      if (lines.length > MAX_LINES + DROP_LINES) dropOldest(lines.length - MAX_LINES);
      if (pattern) updateCount(false);
      updateEmpty();
      if (following && !panel.hidden) scrollToEnd();
    }

    // Live lines waiting for the next flush. Beyond 2 * MAX_LINES the oldest
    // are dropped unseen, as append() would drop them anyway.
    var pending = [];
    var pendingDropped = 0;
    var flushTimer = null;

    function queue(newLines) {
      for (var i = 0; i < newLines.length; i++) pending.push(newLines[i]);
      if (pending.length > 2 * MAX_LINES) {
        var extra = pending.length - MAX_LINES;
        pendingDropped += extra;
        pending = pending.slice(extra);
      }
      if (!flushTimer) flushTimer = setTimeout(flushPending, FLUSH_MS);
    }

    function flushPending() {
      clearTimeout(flushTimer);
      flushTimer = null;
      if (pendingDropped) showDropped(pendingDropped);
      pendingDropped = 0;
      var batch = pending;
      pending = [];
      append(batch);
    }

    function clear() {
      pending = [];
      pendingDropped = 0;
      clearTimeout(flushTimer);
      flushTimer = null;
      lines = [];
      lineNodes = [];
      matches = [];
      matchesByLine = {};
      current = -1;
      droppedLines = 0;
      truncated.hidden = true;
      pre.textContent = "";
      updateCount(false);
      updateEmpty();
    }

    // Replaces the content with `text`, split at line ends.
    function setText(text) {
      clear();
      var split = String(text).split("\n");
      if (split.length && split[split.length - 1] === "") split.pop();
      append(split.map(function (line) { return line.replace(/\r$/, ""); }));
    }

    function setDownload(href, fileName) {
      download.href = href;
      download.setAttribute("download", fileName);
      download.hidden = false;
    }

    function setLive(value) {
      live = value;
      followLabel.hidden = !value;
      liveBadge.hidden = !value;
      updateEmpty();
    }

    // Live tail --------------------------------------------------------------

    function close() {
      if (source) source.close();
      source = null;
    }

    // Opens the server-sent events route `url` and appends the lines of each
    // `output` event. A `status` event (a run's last event) closes the
    // stream and goes to handlers.onStatus with the run object. When the
    // browser gives up on the stream (the host refused it or ended the
    // session), "Resume live tail" continues after the last event received.
    function stream(url, handlers) {
      handlers = handlers || {};
      var lastId = "";
      close();
      setLive(true);
      resume.hidden = true;

      function connect() {
        var target = url;
        if (lastId) target += (url.indexOf("?") < 0 ? "?" : "&") + "from=" + encodeURIComponent(lastId);
        var eventSource = new EventSource(target);
        source = eventSource;
        eventSource.addEventListener("open", function () { note.textContent = ""; });
        eventSource.addEventListener("output", function (event) {
          if (event.lastEventId) lastId = event.lastEventId;
          queue(event.data.split("\n"));
        });
        eventSource.addEventListener("status", function (event) {
          flushPending();
          close();
          setLive(false);
          var run = null;
          try { run = JSON.parse(event.data); } catch (error) { run = null; }
          if (handlers.onStatus && run) handlers.onStatus(run);
        });
        eventSource.addEventListener("error", function () {
          if (source !== eventSource) return;
          if (eventSource.readyState === EventSource.CLOSED) {
            flushPending();
            close();
            setLive(false);
            note.textContent = t("log.liveFailed");
            resume.hidden = false;
            if (handlers.onFailed) handlers.onFailed();
          } else {
            note.textContent = t("log.reconnecting");
          }
        });
      }

      resume.onclick = function () {
        resume.hidden = true;
        note.textContent = "";
        setLive(true);
        connect();
      };
      connect();
      return close;
    }

    // Events ---------------------------------------------------------------

    toggle.addEventListener("click", function () {
      var show = panel.hidden;
      panel.hidden = !show;
      toggle.setAttribute("aria-expanded", String(show));
      if (show && following) scrollToEnd();
    });
    searchInput.addEventListener("input", function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(function () { search(true); }, SEARCH_DELAY_MS);
    });
    searchInput.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      if (searchTimer) {
        clearTimeout(searchTimer);
        searchTimer = null;
        search(true);
      }
      step(event.shiftKey ? -1 : 1);
    });
    previous.addEventListener("click", function () { step(-1); });
    next.addEventListener("click", function () { step(1); });
    followBox.addEventListener("change", function () { setFollowing(followBox.checked); });
    pre.addEventListener("scroll", function () {
      if (panel.hidden) return;
      var atEnd = isAtEnd();
      if (atEnd !== following) {
        following = atEnd;
        followBox.checked = atEnd;
      }
    });
    portal.onLanguageChange(function () {
      updateCount(false);
      if (droppedLines) truncated.textContent = t("log.truncated", { count: droppedLines });
    });
    updateEmpty();

    return {
      append: append,
      clear: clear,
      setText: setText,
      setDownload: setDownload,
      setLive: setLive,
      stream: stream,
      close: close,
      lineCount: function () { return lines.length; }
    };
  }

  return { create: create };
})();
