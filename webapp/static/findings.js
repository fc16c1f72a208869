/* Findings: comfort only. Every page works without this file.
 * Copy buttons (hidden until this runs) copy a citation's text to the clipboard. */
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
    var text = target.textContent.replace(/\s+/g, " ").trim();
    var done = button.getAttribute("data-copied-label") || "Copied";
    copyText(text).then(function () {
      flash(button, "Copied");
      announce(done);
    }, function () {
      // Could not copy: open the citation and select it so Ctrl+C works.
      var details = target.closest("details");
      if (details) { details.open = true; }
      var range = document.createRange();
      range.selectNodeContents(target);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      announce("Press Control and C to copy the selected citation");
    });
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
    document.documentElement.classList.add("js");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
