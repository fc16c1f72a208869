/* Findings: comfort only. Every page works without this file.
 * Copy buttons (hidden until this runs) copy a citation's text to the clipboard.
 * The briefing pack: "Add to briefing" keeps paragraphs in this browser (localStorage) without leaving
 * the page, the header counts them, and the briefing page keeps notes as they are typed.
 * "Similar findings" on a report page opens the list under its paragraph instead of on a page of its own. */
(function () {
  "use strict";

  function announce(message) {
    var status = document.getElementById("live-status");
    if (!status) { return; }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function fallbackCopy(text) {
    // For pages served over plain http, where navigator.clipboard is not available.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    document.body.removeChild(area);
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function flash(button, label) {
    var original = button.getAttribute("data-label") || button.innerHTML;
    button.setAttribute("data-label", original);
    button.classList.add("is-copied");
    button.textContent = label;
    window.clearTimeout(button._findingsTimer);
    button._findingsTimer = window.setTimeout(function () {
      button.innerHTML = original;
      button.classList.remove("is-copied");
    }, 2500);
  }

  function onCopy(event) {
    var button = event.currentTarget;
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) { return; }
    var field = target.tagName === "INPUT" || target.tagName === "TEXTAREA";
    var text = field ? target.value : target.textContent.replace(/\s+/g, " ").trim();
    var done = button.getAttribute("data-copied-label") || "Copied";
    copyText(text).then(function () {
      flash(button, "Copied");
      announce(done);
    }, function () {
      // Could not copy: open the citation and select it so Ctrl+C works.
      var details = target.closest("details");
      if (details) { details.open = true; }
      if (field) {
        target.focus();
        target.select();
        announce("Press Control and C to copy the selected text");
        return;
      }
      var range = document.createRange();
      range.selectNodeContents(target);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      announce("Press Control and C to copy the selected citation");
    });
  }

  // ---- The briefing pack ------------------------------------------------------------------

  var PACK_KEY = "findings.briefing";
  var ADOPT_KEY = "findings.briefing.adopt";
  var COOKIE = "findings_briefing";
  var COOKIE_MAX = 3800;
  var CAP = 200;
  var ID_RE = /^[a-z0-9][a-z0-9-]{0,199}$/;

  function storage(kind) {
    try {
      var store = window[kind];
      store.setItem("findings.probe", "1");
      store.removeItem("findings.probe");
      return store;
    } catch (error) {
      return null;
    }
  }

  function emptyPack() { return {ids: [], notes: {}, title: ""}; }

  function readPack() {
    var store = storage("localStorage");
    var raw = null;
    try { raw = JSON.parse(store.getItem(PACK_KEY) || "null"); } catch (error) { raw = null; }
    if (!raw || !Array.isArray(raw.ids)) { return emptyPack(); }
    var notes = {};
    var ids = raw.ids.filter(function (id) { return typeof id === "string" && ID_RE.test(id); }).slice(0, CAP);
    ids.forEach(function (id) {
      if (raw.notes && typeof raw.notes[id] === "string" && raw.notes[id]) { notes[id] = raw.notes[id]; }
    });
    return {ids: grouped(ids), notes: notes, title: typeof raw.title === "string" ? raw.title : ""};
  }

  function reportOf(id) { return id.split("--")[0]; }

  // The server's order: each report's paragraphs together, reports in order of first appearance.
  function grouped(ids) {
    var reports = [];
    var members = {};
    ids.forEach(function (id) {
      var report = reportOf(id);
      if (!members[report]) { members[report] = []; reports.push(report); }
      if (members[report].indexOf(id) < 0) { members[report].push(id); }
    });
    var out = [];
    reports.forEach(function (report) { out = out.concat(members[report]); });
    return out;
  }

  function writePack(pack) {
    var store = storage("localStorage");
    if (!store) { return; }
    store.setItem(PACK_KEY, JSON.stringify(pack));
    mirrorCookie(pack);
    showCount(pack);
  }

  // Pages read without JavaScript (and the header's first paint) count the ids in this cookie.
  function mirrorCookie(pack) {
    var value = pack.ids.join(".");
    var tail = "; Path=/; SameSite=Lax" + (window.location.protocol === "https:" ? "; Secure" : "");
    if (value && value.length <= COOKIE_MAX) {
      document.cookie = COOKIE + "=" + value + "; Max-Age=31536000" + tail;
    } else {
      document.cookie = COOKIE + "=; Max-Age=0" + tail;
    }
  }

  function packQuery(pack) {
    var parts = [];
    if (pack.ids.length) { parts.push("ids=" + pack.ids.join(",")); }
    if (pack.title) { parts.push("title=" + encodeURIComponent(pack.title)); }
    pack.ids.forEach(function (id) {
      if (pack.notes[id]) { parts.push("note." + id + "=" + encodeURIComponent(pack.notes[id])); }
    });
    return parts.join("&");
  }

  function withQuery(href, query) {
    var base = href.split("#")[0].split("?")[0];
    return query ? base + "?" + query : base;
  }

  function showCount(pack) {
    var counts = document.querySelectorAll(".js-briefing-count");
    for (var i = 0; i < counts.length; i++) { counts[i].textContent = String(pack.ids.length); }
    var links = document.querySelectorAll(".js-briefing-link");
    for (var j = 0; j < links.length; j++) {
      links[j].setAttribute("href", withQuery(links[j].getAttribute("href"), packQuery(pack)));
    }
    var buttons = document.querySelectorAll(".js-briefing-add");
    for (var k = 0; k < buttons.length; k++) { showAdded(buttons[k], pack.ids.indexOf(buttons[k].value) >= 0); }
  }

  function showAdded(button, added) {
    var label = button.querySelector(".js-briefing-add-label");
    if (label) { label.textContent = added ? "Remove from briefing" : "Add to briefing"; }
    button.classList.toggle("is-added", added);
  }

  function plural(count) { return count + (count === 1 ? " paragraph" : " paragraphs"); }

  function onAdd(event) {
    var button = event.target.closest ? event.target.closest(".js-briefing-add") : null;
    if (!button || !storage("localStorage")) { return; }  // without storage the form adds through the server
    event.preventDefault();
    var pack = readPack();
    var id = button.value;
    var at = pack.ids.indexOf(id);
    if (at >= 0) {
      pack.ids.splice(at, 1);
      delete pack.notes[id];
      writePack(pack);
      announce("Removed from your briefing pack, which now has " + plural(pack.ids.length) + ".");
      return;
    }
    if (pack.ids.length >= CAP) {
      announce("Your briefing pack is full: it holds " + CAP + " paragraphs. Remove some first.");
      return;
    }
    pack.ids = grouped(pack.ids.concat([id]));
    writePack(pack);
    announce("Added to your briefing pack, which now has " + plural(pack.ids.length) + ".");
  }

  function pageState(root) {
    var ids = (root.getAttribute("data-ids") || "").split(",").filter(function (id) { return ID_RE.test(id); });
    var notes = {};
    var fields = root.querySelectorAll(".js-note");
    for (var i = 0; i < fields.length; i++) {
      var id = fields[i].name.slice("note.".length);
      var note = fields[i].value.split(/\s+/).join(" ").trim();
      if (note && ids.indexOf(id) >= 0) { notes[id] = note; }
    }
    var titleField = root.querySelector(".js-pack-title");
    var title = titleField ? titleField.value.split(/\s+/).join(" ").trim() : (root.getAttribute("data-title") || "");
    return {ids: ids, notes: notes, title: title === "Briefing pack" ? "" : title};
  }

  function samePack(one, other) {
    return packQuery(one) === packQuery(other);
  }

  function initBriefing(root) {
    var page = pageState(root);
    var local = readPack();
    var session = storage("sessionStorage");
    var adopt = session && session.getItem(ADOPT_KEY) === "1";
    if (session) { session.removeItem(ADOPT_KEY); }
    var mine = true;
    if (adopt) {
      writePack(page);
    } else if (root.getAttribute("data-source") !== "url") {
      // Plain /briefing: show this browser's pack, notes and all.
      if (local.ids.length && !samePack(page, local)) {
        window.location.replace(withQuery(window.location.pathname, packQuery(local)));
        return;
      }
      if (!local.ids.length && page.ids.length) { writePack(page); }
    } else if (!page.ids.length) {
      // An explicitly empty pack (?ids=): nothing to keep, nothing to offer.
      mine = false;
    } else if (!local.ids.length || samePack(page, local)) {
      writePack(page);
    } else {
      mine = false;
      showShared(root, page, local);
    }

    var form = root.querySelector("form.pack");
    if (form) {
      form.addEventListener("submit", function () {
        // The server applies the change and answers with the new pack's address: keep that one.
        if (mine && session) { session.setItem(ADOPT_KEY, "1"); }
      });
    }

    function refresh() {
      page = pageState(root);
      if (mine) { writePack(page); }
      var query = packQuery(page);
      window.history.replaceState(null, "", withQuery(window.location.pathname, query) + window.location.hash);
      var share = root.querySelector(".js-share-url");
      if (share) { share.value = withQuery(share.value, query); }
      var exports = root.querySelectorAll(".js-export");
      for (var j = 0; j < exports.length; j++) {
        exports[j].setAttribute("href", withQuery(exports[j].getAttribute("href"), query));
      }
    }
    var inputs = root.querySelectorAll(".js-note, .js-pack-title");
    for (var k = 0; k < inputs.length; k++) { inputs[k].addEventListener("input", refresh); }
  }

  function showShared(root, page, local) {
    var notice = root.querySelector(".js-shared");
    if (!notice) { return; }
    notice.hidden = false;
    notice.querySelector(".js-shared-own").textContent =
      "Your own briefing pack (" + plural(local.ids.length) + ") is kept as it is unless you choose:";
    notice.querySelector(".js-shared-open").setAttribute("href", withQuery(window.location.pathname, packQuery(local)));
    notice.querySelector(".js-shared-adopt").addEventListener("click", function () {
      writePack(pageState(root));
      window.location.reload();
    });
    notice.querySelector(".js-shared-merge").addEventListener("click", function () {
      var merged = readPack();
      var current = pageState(root);
      merged.ids = grouped(merged.ids.concat(current.ids)).slice(0, CAP);
      current.ids.forEach(function (id) {
        if (current.notes[id] && !merged.notes[id]) { merged.notes[id] = current.notes[id]; }
      });
      writePack(merged);
      window.location.assign(withQuery(window.location.pathname, packQuery(merged)));
    });
  }

  // ---- Similar findings, opened under their paragraph -----------------------------------------

  function onSimilar(event) {
    var link = event.currentTarget;
    var anchor = link.getAttribute("data-similar-for");
    var panelId = "similar-" + anchor;
    var panel = document.getElementById(panelId);
    event.preventDefault();
    var label = link.querySelector(".js-similar-label");
    if (panel) {
      panel.hidden = !panel.hidden;
      link.setAttribute("aria-expanded", String(!panel.hidden));
      if (label) { label.textContent = panel.hidden ? "Similar findings" : "Hide similar findings"; }
      return;
    }
    var href = link.getAttribute("href");
    var request = new XMLHttpRequest();
    request.open("GET", href + (href.indexOf("?") < 0 ? "?" : "&") + "partial=1");
    request.onload = function () {
      if (request.status !== 200) { window.location.assign(href); return; }
      panel = document.createElement("section");
      panel.className = "similar similar--inline";
      panel.id = panelId;
      panel.setAttribute("tabindex", "-1");
      panel.setAttribute("aria-labelledby", panelId + "-title");
      panel.innerHTML = '<h3 class="similar__title" id="' + panelId + '-title">Similar findings in other reports</h3>' +
        request.responseText +
        '<p class="similar__more"><a href="' + href + '">Filter these, or show more<span class="visually-hidden"> similar findings</span></a></p>';
      link.closest(".para__actions").insertAdjacentElement("afterend", panel);
      link.setAttribute("aria-expanded", "true");
      link.setAttribute("aria-controls", panelId);
      if (label) { label.textContent = "Hide similar findings"; }
      showCount(readPack());
      panel.focus();
      var found = panel.querySelectorAll(".similar-item").length;
      announce(found ? found + " similar findings shown" : "No similar findings in other reports");
    };
    request.onerror = function () { window.location.assign(href); };
    request.send();
  }

  function init() {
    var buttons = document.querySelectorAll(".js-copy");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", onCopy);
      buttons[i].hidden = false;
    }
    // On a narrow screen the filters would push the results off the first screen: fold them
    // (unless some are in use). Without JavaScript they simply stay open.
    var filters = document.querySelector(".js-filters");
    if (filters && window.matchMedia("(max-width: 52rem)").matches && !filters.querySelector(".facet__link--selected")) {
      filters.open = false;
    }
    if (storage("localStorage")) {
      document.addEventListener("click", onAdd);
      showCount(readPack());
      mirrorCookie(readPack());
      var briefing = document.querySelector(".js-briefing");
      if (briefing) { initBriefing(briefing); }
    }
    var similar = document.querySelectorAll(".js-similar");
    for (var s = 0; s < similar.length; s++) {
      similar[s].addEventListener("click", onSimilar);
      similar[s].setAttribute("aria-expanded", "false");
    }
    document.documentElement.classList.add("js");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
