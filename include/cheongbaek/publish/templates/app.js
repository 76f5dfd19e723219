// Citizen page: look up a petition by number (from the form or ?ptn=...)
// and show its flow, where it stands, when it is expected and what comes
// next. Plain JS, no network: the data is in data.js (window.CB_DATA:
// procedures, step names and an index of shards) and in petitions/p-NNN.js
// (window.CB_SHARD), one shard per last characters of the petition number,
// loaded with a script tag on lookup. The page's language is <html lang>;
// its labels are the JSON in <script id="cb-labels">. Every published value
// is set with textContent, never as HTML: a name carrying markup stays text.
(function () {
  "use strict";
  var data = window.CB_DATA || {petitions: {}, procedures: {}};
  data.petitions = data.petitions || {};
  var lang = document.documentElement.getAttribute("lang") === "en" ? "en" : "ko";
  var labels = {};
  try { labels = JSON.parse(document.getElementById("cb-labels").textContent || "{}"); } catch (e) { labels = {}; }
  var loaded = {};

  function L(key) { return Object.prototype.hasOwnProperty.call(labels, key) ? labels[key] : key; }
  function lookupIn(map, key) {
    return map && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : key;
  }
  function stepName(cd, fallback) {
    var names = data.step_names || {};
    if (Object.prototype.hasOwnProperty.call(names, cd)) { return names[cd][lang] || fallback || cd; }
    return fallback || cd;
  }

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

  function row(dl, label, value, cls) {
    var dt = el("dt", {}, label);
    var dd = el("dd", cls ? {"class": cls} : {}, value === null || value === undefined || value === "" ? "-" : value);
    dl.appendChild(dt);
    dl.appendChild(dd);
    return dd;
  }

  function show(ptn, retried) {
    var out = document.getElementById("result");
    out.textContent = "";
    ptn = (ptn || "").trim();
    out.setAttribute("data-ptn", ptn);
    if (!ptn) { out.setAttribute("data-state", "empty"); return; }
    var p = data.petitions[ptn];
    if (!p && !retried) {
      out.setAttribute("data-state", "loading");
      out.appendChild(el("p", {"class": "loading"}, L("loading")));
      loadShard(ptn, function () { if (out.getAttribute("data-ptn") === ptn) { show(ptn, true); } });
      return;
    }
    if (!p) {
      out.setAttribute("data-state", "not-found");
      out.appendChild(el("p", {"class": "notfound", "role": "alert"}, L("not_found").replace("{ptn}", ptn)));
      return;
    }
    var open = !p.cmpl_dt && p.status !== "completed" && p.status !== "withdrawn";
    out.setAttribute("data-state", "found");
    out.setAttribute("data-overdue", p.overdue ? "true" : "false");
    var h = el("h3", {"id": "petition-h"}, L("petition") + " " + ptn);
    if (p.overdue) {
      h.appendChild(document.createTextNode(" "));
      h.appendChild(el("strong", {"class": "badge overdue", "id": "overdue-badge"}, L("overdue_badge")));
    }
    out.appendChild(h);
    var proc = data.procedures[p.proc_cd] || {flow: []};
    var procName = lang === "ko" ? (proc.proc_nm_ko || p.proc_nm) : p.proc_nm;
    var sectorName = lang === "ko" ? (proc.sector_nm_ko || p.sector_nm) : p.sector_nm;
    var dl = el("dl", {"class": "facts"});
    row(dl, L("procedure"), procName + " (" + p.proc_cd + ")");
    row(dl, L("sector"), sectorName);
    row(dl, L("received"), p.rcpt_dt);
    row(dl, L("due"), p.due_dt);
    row(dl, L("status"), lookupIn(L("statuses"), p.status));
    row(dl, L("current_step"), stepName(p.current_step_cd, p.current_step_nm));
    // What comes next: the step after the current one in the procedure's standard flow.
    var next = null;
    if (open) {
      var idx = -1;
      proc.flow.forEach(function (f, i) { if (f.cd === p.current_step_cd) { idx = i; } });
      if (idx >= 0 && idx + 1 < proc.flow.length) { next = proc.flow[idx + 1]; }
      row(dl, L("expected"), p.due_dt, "expected");
      row(dl, L("next_step"), next ? stepName(next.cd, next.nm) : L("none"), "next-step");
    }
    row(dl, L("completed"), p.cmpl_dt);
    row(dl, L("result"), p.result ? lookupIn(L("results"), p.result) : null);
    row(dl, L("dept"), p.dept_nm);
    row(dl, L("official"), p.official_nm ? p.official_nm + " (" + (p.official_title || "") + ")" : null);
    row(dl, L("bdays"), p.bdays_elapsed);
    var od = row(dl, L("overdue"), p.overdue ? L("overdue_badge") : L("on_time"), p.overdue ? "overdue" : "on-time");
    od.setAttribute("id", "overdue");
    row(dl, L("applicant"), p.applicant);
    row(dl, L("district"), p.district);
    out.appendChild(dl);

    var done = {};
    (p.steps || []).forEach(function (s) { done[s.step_cd] = true; });
    out.appendChild(el("h4", {}, L("flow_h")));
    var ol = el("ol", {"class": "flow", "id": "flow"});
    var current = p.current_step_cd;
    proc.flow.forEach(function (f) {
      var state = f.cd === current && open ? "current" : (done[f.cd] ? "done" : "pending");
      var li = el("li", {"class": state, "data-step": f.cd}, stepName(f.cd, f.nm));
      if (state === "current") { li.setAttribute("aria-current", "step"); }
      li.setAttribute("title", lookupIn(L("state"), state));
      ol.appendChild(li);
    });
    out.appendChild(ol);

    out.appendChild(el("h4", {}, L("steps_h")));
    var wrap = el("div", {"class": "table-scroll"});
    var table = el("table", {"class": "steps", "id": "steps"});
    var thead = el("thead");
    var head = el("tr");
    [L("no"), L("step"), L("when"), L("dept"), L("official")].forEach(function (h) {
      head.appendChild(el("th", {"scope": "col"}, h));
    });
    thead.appendChild(head);
    table.appendChild(thead);
    var tbody = el("tbody");
    (p.steps || []).forEach(function (s) {
      var tr = el("tr", {"data-step": s.step_cd});
      tr.appendChild(el("td", {}, s.step_seq));
      tr.appendChild(el("td", {}, stepName(s.step_cd, s.step_nm)));
      tr.appendChild(el("td", {}, (s.step_dtm || "").replace("T", " ")));
      tr.appendChild(el("td", {}, s.dept_nm || "-"));
      tr.appendChild(el("td", {}, s.official_nm ? s.official_nm + " (" + (s.official_title || "") + ")" : "-"));
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    wrap.appendChild(table);
    out.appendChild(wrap);
  }

  function start() {
    var form = document.getElementById("lookup");
    var input = document.getElementById("ptn");
    var sw = document.getElementById("lang-switch");
    var params = new URLSearchParams(window.location.search);
    var ptn = params.get("ptn") || "";
    input.value = ptn;
    function keepPtn(value) {
      // the language switch keeps the petition looked up
      if (sw) { sw.setAttribute("href", sw.getAttribute("href").split("?")[0] + (value ? "?ptn=" + encodeURIComponent(value) : "")); }
    }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var value = input.value.trim();
      show(value);
      keepPtn(value);
      if (window.history && window.history.replaceState) {
        try { window.history.replaceState(null, "", "?ptn=" + encodeURIComponent(value)); } catch (e) { /* file:// */ }
      }
    });
    keepPtn(ptn.trim());
    show(ptn);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
