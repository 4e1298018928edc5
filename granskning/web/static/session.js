// granskning: the live session page. The page works without this file (forms, reloads);
// with it, the page follows the session through server-sent events, counts the clock down
// between them from the server's state, and keeps notes written offline until they are sent.
(function () {
  "use strict";
  var root = document.getElementById("live-session");
  if (!root || !window.EventSource) { return; }
  var interview = root.dataset.interview;
  var csrf = root.dataset.csrf;
  var words = JSON.parse(root.dataset.words || "{}");
  var queueKey = "granskning-notes-" + interview;
  var draftKey = "granskning-draft-" + interview;
  var state = null;        // the last state the server sent
  var shownAt = cursorOf(root.dataset.cursor);  // its place among the session's changes
  var receivedAt = 0;      // when it came (performance.now())
  var sending = false;
  var shownBlock = $("f-block") ? $("f-block").value : null;  // the block the page shows

  function $(id) { return document.getElementById(id); }
  // A state's place among the session's changes: the cursor "S.N.A" (the event id) as
  // [session event, note, note correction]. A state is older than the one shown when it has
  // seen fewer steps of the clock, or the same steps and no note the shown one has not seen.
  function cursorOf(text) {
    var m = /^(\d+)\.(\d+)\.(\d+)$/.exec(text || "");
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
  }
  function older(a, b) {
    if (!a || !b) { return false; }
    if (a[0] !== b[0]) { return a[0] < b[0]; }
    return a[1] <= b[1] && a[2] <= b[2] && (a[1] < b[1] || a[2] < b[2]);
  }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }
  function clockText(seconds) {
    var s = Math.floor(Math.abs(seconds));
    var m = Math.floor(s / 60), r = s % 60;
    return (seconds < 0 ? "-" : "") + m + ":" + (r < 10 ? "0" : "") + r;
  }
  function level(budget, elapsed, near) {
    var remaining = budget - elapsed;
    if (remaining < 0) { return "over"; }
    return remaining <= near ? "near" : "ok";
  }
  function listOf(element, items, make) {
    while (element.firstChild) { element.removeChild(element.firstChild); }
    items.forEach(function (item) { element.appendChild(make(item)); });
  }
  function item(text, className) {
    var li = document.createElement("li");
    li.textContent = text;
    if (className) { li.className = className; }
    return li;
  }

  // -- the clock: the server's elapsed time, counted on while it runs --------------------------
  function showClock(name, budget, elapsed, near) {
    var box = root.querySelector('[data-clock="' + name + '"]');
    if (!box) { return; }
    var lvl = level(budget, elapsed, near);
    box.className = "countdown level-" + lvl;
    box.querySelector('[data-part="remaining"]').textContent = clockText(budget - elapsed);
    var word = box.querySelector('[data-part="level"]');
    if (word.textContent !== words[lvl]) { word.textContent = words[lvl]; }
  }
  function tick() {
    if (!state) { return; }
    var s = state.status;
    var extra = state.running ? (performance.now() - receivedAt) / 1000 : 0;
    showClock("session", s.budget_s, s.elapsed_s + extra, state.near_s.session);
    showClock("block", s.block_budget_s, s.block_elapsed_s + extra, state.near_s.block);
  }

  // -- the rest of the page from the state -------------------------------------------------------
  function showQuestion(s) {
    var where = $("where"), text = $("question-text");
    if (where && s.question) {
      where.textContent = fill(words.block, { number: s.block_number, count: s.block_count, title: s.block_title }) +
        " · " + fill(words.question, { number: s.question_number, count: s.question_count });
    }
    if (text) { text.textContent = s.question_text || ""; }
    var prompts = $("followups");
    if (prompts) { listOf(prompts, s.followups.length ? s.followups : [words.none], function (p) { return item(p); }); }
    root.querySelectorAll('input[name="question"]').forEach(function (input) { input.value = s.question || ""; });
    // the block list follows a change of block only: a choice made there and not yet sent
    // is kept through other updates (a note, a tick of the clock)
    var jump = $("f-block");
    if (jump && s.block && s.block !== shownBlock && document.activeElement !== jump) { jump.value = s.block; }
    shownBlock = s.block;
    showRatings(s);
  }
  var shownScale = null;  // the rating buttons' scale, made again only when it changes
  function showRatings(s) {
    var form = $("rating-form"), buttons = $("rating-buttons");
    if (!form || !buttons) { return; }
    form.hidden = s.question_kind !== "rating";
    var scale = s.scale.length ? s.scale : [1, 2, 3, 4].map(function (v) { return { value: v, label: "" }; });
    var key = JSON.stringify(scale);
    if (key === shownScale) { return; }
    shownScale = key;
    listOf(buttons, scale, function (option) {
      var b = document.createElement("button");
      b.type = "submit"; b.name = "rating"; b.value = String(option.value);
      b.setAttribute("aria-keyshortcuts", String(option.value));
      b.textContent = option.value + (option.label ? " – " + option.label : "");
      return b;
    });
  }
  function showNotes(notes) {
    var list = $("notes");
    if (!list) { return; }
    if (!notes.length) { listOf(list, [words.no_notes], function (t) { return item(t, "empty"); }); return; }
    listOf(list, notes, function (n) {
      var li = document.createElement("li");
      if (n.rating) {
        var strong = document.createElement("strong");
        strong.textContent = fill(words.rating, { value: n.rating }) + " ";
        li.appendChild(strong);
      }
      li.appendChild(document.createTextNode(n.text + " "));
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = "(" + (n.author || "–") + ", " + n.created + ")";
      li.appendChild(who);
      return li;
    });
  }
  // Show a state unless it is older than the one shown (a live update read before a button's
  // answer may arrive after it): whether it was shown.
  function show(next, at) {
    if (state && older(at, shownAt)) { return false; }
    if (at) { shownAt = at; }
    render(next);
    return true;
  }
  // A note as the server has it: added to the question's notes, corrected, or taken away.
  function showNote(n) {
    if (!state || !n) { return; }
    var notes = state.notes.filter(function (m) { return m.uid !== n.uid; });
    if (!n.removed && n.question === state.status.question) { notes.push(n); }
    notes.sort(function (a, b) { return a.id - b.id; });
    state.notes = notes;
    showNotes(notes);
  }
  function gone(element) { return !document.contains(element) || !!element.closest("[hidden]"); }
  // The first thing to do next: the first clock button shown, else the note box.
  function nextAction() {
    return root.querySelector(".run form:not([hidden]) button") || $("f-text");
  }
  // After an update the focus stays where it was; on a control that went away, it moves to
  // the same control made again (a rating button), else to the next action.
  function refocus(before) {
    if (!before || before === document.body || !gone(before)) { return; }
    var same = null;
    if (before.dataset && before.dataset.action) {
      same = root.querySelector('form:not([hidden]) > button[data-action="' + before.dataset.action + '"]');
    } else if (before.name === "rating") {
      same = root.querySelector('#rating-form:not([hidden]) button[value="' + before.value + '"]');
    }
    var target = same || nextAction();
    if (target) { target.focus(); }
  }
  function render(next) {
    var before = document.activeElement;
    state = next;
    receivedAt = performance.now();
    var s = next.status;
    var word = $("session-state");
    if (word) { word.textContent = (words.states || {})[s.state] || s.state; word.className = "state state-" + s.state; }
    listOf($("warnings"), s.warnings, function (w) { return item(w.message); });
    root.querySelectorAll("form[data-when]").forEach(function (form) {
      form.hidden = form.dataset.when.split(" ").indexOf(s.state) < 0;
    });
    showQuestion(s);
    showNotes(next.notes);
    tick();
    refocus(before);
  }

  // -- notes: queued in the browser's storage until the server has them ------------------------
  function queue() {
    try { return JSON.parse(localStorage.getItem(queueKey) || "[]"); } catch (e) { return []; }
  }
  function keep(notes) { localStorage.setItem(queueKey, JSON.stringify(notes)); }
  function showPending() {
    listOf($("pending"), queue(), function (n) {
      var li = item((n.rating ? fill(words.rating, { value: n.rating }) + " " : "") + n.text + " ");
      var mark = document.createElement("span");
      mark.className = "waiting";
      mark.textContent = n.error ? "⚠ " + n.error : "(" + words.waiting + ")";
      li.appendChild(mark);
      return li;
    });
  }
  // A request on a network that drops may hang rather than fail: it is given up after
  // SEND_TIMEOUT_MS (the note stays queued) so that it never holds back the notes after it.
  var SEND_TIMEOUT_MS = 8000;
  function post(url, fields) {
    var body = new URLSearchParams(fields);
    body.set("csrf_token", csrf);
    var options = {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf }
    };
    if (window.AbortController) {
      var controller = new AbortController();
      options.signal = controller.signal;
      setTimeout(function () { controller.abort(); }, SEND_TIMEOUT_MS);
    }
    return fetch(url, options);
  }
  function sendOne(note) {
    var fields = { uuid: note.uuid, question: note.question, text: note.text };
    if (note.rating) { fields.rating = note.rating; }
    return post("/interviews/" + interview + "/notes", fields).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    });
  }
  function settle(note, answer) {
    var rest = queue().filter(function (n) { return n.uuid !== note.uuid; });
    if (!answer.ok) {  // refused (not a network failure): kept in view with the reason
      note.error = answer.body.error || "?";
      rest.push(note);
    } else {
      showNote(answer.body);
    }
    keep(rest);
  }
  function flush() {
    var waiting = queue().filter(function (n) { return !n.error; });
    showPending();  // a note being sent is in view until the server has it
    if (sending || !waiting.length) { return; }
    sending = true;
    var note = waiting[0];
    sendOne(note).then(function (answer) {
      settle(note, answer);
      sending = false;
      flush();
    }, function () {  // no connection: it stays queued, and is sent when the connection returns
      sending = false;
      showPending();
    });
  }
  // crypto.randomUUID exists only on HTTPS and localhost; over plain HTTP (a server on the
  // local network) a version 4 UUID is made from crypto.getRandomValues, which always does.
  function newUuid() {
    if (crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }
  function write(fields) {
    var notes = queue();
    notes.push({
      uuid: newUuid(), question: fields.question || "", text: fields.text || "",
      rating: fields.rating || ""
    });
    keep(notes);
    flush();
  }
  var noteForm = $("note-form");
  if (noteForm) {
    var area = noteForm.querySelector("textarea");
    area.value = area.value || localStorage.getItem(draftKey) || "";
    area.addEventListener("input", function () { localStorage.setItem(draftKey, area.value); });
    noteForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!area.value.trim()) { area.focus(); return; }
      write({ question: noteForm.elements.question.value, text: area.value.trim() });
      area.value = "";
      localStorage.removeItem(draftKey);
      area.focus();
    });
  }
  var ratingForm = $("rating-form");
  if (ratingForm) {
    ratingForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = event.submitter;
      if (!button || !button.value) { return; }
      write({ question: ratingForm.elements.question.value, rating: button.value, text: "" });
    });
  }

  // -- the clock's buttons: sent at once, the answer is the new state ---------------------------
  root.querySelectorAll("form.clock-action").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var fields = {};
      new FormData(form).forEach(function (value, key) { fields[key] = value; });
      post(form.action, fields).then(function (response) {
        return response.json().then(function (body) {
          if (response.ok) { show(body, cursorOf(body.cursor)); say(body.done || ""); keepFocus(form); } else { say(body.error || "?"); }
        });
      }, function () { say(words.offline); });
    });
  });
  function keepFocus(form) {  // a button that went away hands the focus to the next one there
    if (!form.hidden || !form.contains(document.activeElement)) { return; }
    var next = nextAction();
    if (next) { next.focus(); }
  }
  function say(text) {
    var line = $("connection");
    if (line) { line.textContent = text; }
  }

  // -- single-key shortcuts, as in the terminal's session: never while typing in a field ---------
  var shortcutsKey = "granskning-shortcuts";
  var shortcutsOn = $("shortcuts-on");
  if ($("shortcuts")) { $("shortcuts").hidden = false; }
  [["f-block", "B"], ["f-text", "A"]].forEach(function (pair) {
    if ($(pair[0])) { $(pair[0]).setAttribute("aria-keyshortcuts", pair[1]); }
  });
  if (shortcutsOn) {
    shortcutsOn.checked = localStorage.getItem(shortcutsKey) !== "off";
    shortcutsOn.addEventListener("change", function () {
      localStorage.setItem(shortcutsKey, shortcutsOn.checked ? "on" : "off");
    });
  }
  function press(actions) {  // the shown clock button among ``actions``: whether there was one
    for (var i = 0; i < actions.length; i++) {
      var button = root.querySelector('.run form:not([hidden]) > button[data-action="' + actions[i] + '"]');
      if (button) { button.click(); return true; }
    }
    return false;
  }
  function focusOn(element) {
    if (!element || gone(element)) { return false; }
    element.focus();
    return true;
  }
  function rate(value) {
    var form = $("rating-form");
    var button = form && !form.hidden ? form.querySelector('button[value="' + value + '"]') : null;
    if (button) { button.click(); }
    return !!button;
  }
  var shortcuts = {
    " ": function () { return press(["start", "pause", "resume"]); },
    "n": function () { return press(["next"]); },
    "p": function () { return press(["previous"]); },
    "e": function () {
      return !!root.querySelector('.run form:not([hidden]) > button[data-action="end"]') &&
        (!window.confirm(words.end_confirm) || press(["end"]));
    },
    "b": function () { return focusOn($("f-block")); },
    "a": function () { return focusOn($("f-text")); }
  };
  ["1", "2", "3", "4"].forEach(function (digit) { shortcuts[digit] = function () { return rate(digit); }; });
  function typing(target) {
    return !!target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  document.addEventListener("keydown", function (event) {
    if ((shortcutsOn && !shortcutsOn.checked) || event.defaultPrevented || event.repeat ||
        event.ctrlKey || event.metaKey || event.altKey || event.isComposing) { return; }
    var target = event.target, key = event.key.length === 1 ? event.key.toLowerCase() : "";
    if (typing(target) || !shortcuts[key]) { return; }
    // Space presses the button, link or summary that has the focus, as it always does
    if (key === " " && target.closest && target.closest("button, a, summary, [role=button]")) { return; }
    if (shortcuts[key]()) { event.preventDefault(); }
  });

  // -- the live connection ----------------------------------------------------------------------
  function connected(online) {
    var line = $("connection");
    line.className = "connection " + (online ? "online" : "offline");
    line.textContent = online ? words.online : words.offline;
  }
  // "state": the whole state; "change": a note's change carries the note, a step of the
  // clock or a move the new state; each with its place (the event's id).
  function receive(event) {
    var data = JSON.parse(event.data);
    var at = cursorOf(event.lastEventId);
    if (data.status) { show(data, at); return; }
    if (data.state) { show(data.state, at); }
    if (data.note) { showNote(data.note); }
  }
  var source = new EventSource("/interviews/" + interview + "/events");
  source.addEventListener("state", receive);
  source.addEventListener("change", receive);
  source.addEventListener("open", function () { connected(true); flush(); });
  source.addEventListener("error", function () { connected(false); });
  window.addEventListener("online", flush);
  setInterval(tick, 1000);
  setInterval(flush, 5000);
  // notes refused before (an expired form, a lost connection mid-answer) are tried again
  keep(queue().map(function (n) { delete n.error; return n; }));
  showPending();
  flush();
})();
