// Citizen page: look up a petition by number (from the form or ?ptn=...)
// and show its flow and where it stands. Plain JS, no network: the data is
// in data.js (window.CB_DATA: procedures and an index of shards) and in
// petitions/p-NNN.js (window.CB_SHARD), one shard per last characters of the
// petition number, loaded with a script tag on lookup.
(function () {
  "use strict";
  var data = window.CB_DATA || {petitions: {}, procedures: {}};
  data.petitions = data.petitions || {};
  var loaded = {};

  // Load the shard that would hold ptn (once), then call done().
  function loadShard(ptn, done) {
    var n = data.shard_key_chars || 0;
    var key = ptn.slice(-n);
    var file = n && data.shards && Object.prototype.hasOwnProperty.call(data.shards, key) ? data.shards[key] : null;
    if (!file || loaded[file]) { done(); return; }
    var script = document.createElement("script");
    script.src = file;
    script.onload = function () {
      loaded[file] = true;
      var shard = window.CB_SHARD || {};
      window.CB_SHARD = undefined;
      Object.keys(shard).forEach(function (k) { data.petitions[k] = shard[k]; });
      done();
    };
    script.onerror = function () { loaded[file] = true; done(); };
    document.head.appendChild(script);
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function row(dl, label, value) {
    dl.appendChild(el("dt", {}, label));
    dl.appendChild(el("dd", {}, value === null || value === undefined || value === "" ? "-" : value));
  }

  function show(ptn, retried) {
    var out = document.getElementById("result");
    out.innerHTML = "";
    ptn = (ptn || "").trim();
    out.setAttribute("data-ptn", ptn);
    if (!ptn) { out.setAttribute("data-state", "empty"); return; }
    var p = data.petitions[ptn];
    if (!p && !retried) {
      out.setAttribute("data-state", "loading");
      loadShard(ptn, function () { if (out.getAttribute("data-ptn") === ptn) { show(ptn, true); } });
      return;
    }
    if (!p) {
      out.setAttribute("data-state", "not-found");
      out.appendChild(el("p", {"class": "notfound"}, "No published petition with number " + ptn + "."));
      return;
    }
    out.setAttribute("data-state", "found");
    out.appendChild(el("h2", {}, "Petition " + ptn));
    var dl = el("dl", {"class": "facts"});
    row(dl, "Procedure", p.proc_nm + " (" + p.proc_cd + ")");
    row(dl, "Sector", p.sector_nm);
    row(dl, "Received", p.rcpt_dt);
    row(dl, "Due", p.due_dt);
    row(dl, "Status", p.status);
    row(dl, "Current step", p.current_step_nm);
    row(dl, "Completed", p.cmpl_dt);
    row(dl, "Result", p.result);
    row(dl, "Department", p.dept_nm);
    row(dl, "Official in charge", p.official_nm ? p.official_nm + " (" + (p.official_title || "") + ")" : null);
    row(dl, "Business days elapsed", p.bdays_elapsed);
    row(dl, "Overdue", p.overdue ? "yes" : "no");
    row(dl, "Applicant", p.applicant);
    row(dl, "District", p.district);
    out.appendChild(dl);

    var proc = data.procedures[p.proc_cd] || {flow: []};
    var done = {};
    (p.steps || []).forEach(function (s) { done[s.step_cd] = true; });
    out.appendChild(el("h3", {}, "Standard flow"));
    var ol = el("ol", {"class": "flow", "id": "flow"});
    var current = p.current_step_cd;
    proc.flow.forEach(function (f) {
      var state = f.cd === current && p.status !== "completed" ? "current" : (done[f.cd] ? "done" : "pending");
      var li = el("li", {"class": state, "data-step": f.cd}, f.nm);
      ol.appendChild(li);
    });
    out.appendChild(ol);

    out.appendChild(el("h3", {}, "Steps so far"));
    var table = el("table", {"class": "steps", "id": "steps"});
    var head = el("tr");
    ["#", "Step", "Date and time", "Department", "Official"].forEach(function (h) { head.appendChild(el("th", {}, h)); });
    table.appendChild(head);
    (p.steps || []).forEach(function (s) {
      var tr = el("tr", {"data-step": s.step_cd});
      tr.appendChild(el("td", {}, s.step_seq));
      tr.appendChild(el("td", {}, s.step_nm));
      tr.appendChild(el("td", {}, (s.step_dtm || "").replace("T", " ")));
      tr.appendChild(el("td", {}, s.dept_nm || "-"));
      tr.appendChild(el("td", {}, s.official_nm ? s.official_nm + " (" + (s.official_title || "") + ")" : "-"));
      table.appendChild(tr);
    });
    out.appendChild(table);
  }

  function start() {
    var form = document.getElementById("lookup");
    var input = document.getElementById("ptn");
    var params = new URLSearchParams(window.location.search);
    var ptn = params.get("ptn") || "";
    input.value = ptn;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      show(input.value);
      if (window.history && window.history.replaceState) {
        try { window.history.replaceState(null, "", "?ptn=" + encodeURIComponent(input.value.trim())); } catch (e) { /* file:// */ }
      }
    });
    show(ptn);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
