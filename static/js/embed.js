/* Consult: a live signature count on any page. No cookies, no library, no tracking.
 *   <script async src="https://SITE/embed.js" data-statement="SLUG"></script>
 *     shows "1,234 signatures" (a link to the statement) where the tag is;
 *   <span data-consult-statement="SLUG"></span>
 *     anywhere on the page, with one script tag, is filled with the number alone.
 * data-lang="cy" on the script tag writes Welsh ("1,234 llofnod") and links to the Welsh page.
 * The count refreshes every 30 seconds (data-refresh="SECONDS" on the script tag, at least 1)
 * while the page is visible, and keeps its last value if the site cannot be reached. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src || !window.fetch) return;
  var origin = new URL(script.src, location.href).origin;
  var seconds = parseInt(script.getAttribute("data-refresh"), 10);
  var interval = (seconds >= 1 ? seconds : 30) * 1000;
  var welsh = script.getAttribute("data-lang") === "cy";
  // The words of the site's catalogue ("%(count)s signature(s)"): Welsh uses one form for every number.
  var words = welsh ? ["llofnod", "llofnod"] : ["signature", "signatures"];
  var targets = {};
  var timer = null;

  function format(number) {
    try {
      return number.toLocaleString(welsh ? "cy" : document.documentElement.lang || undefined);
    } catch (error) {
      return String(number);
    }
  }

  // The API gives the English page's address; the Welsh one is the same under /cy/.
  function welshPage(url) {
    var page = new URL(url);
    page.pathname = "/cy" + page.pathname;
    return page.href;
  }

  function render(node, statement) {
    var count = format(statement.signatures);
    if (!node.hasAttribute("data-consult-link")) {
      node.textContent = count;
      return;
    }
    var link = node.firstChild || node.appendChild(document.createElement("a"));
    if (/^https?:\/\//.test(statement.url)) link.href = welsh ? welshPage(statement.url) : statement.url;
    link.target = "_blank";
    link.rel = "noopener";
    if (welsh) link.hreflang = "cy";
    link.textContent = count + " " + words[statement.signatures === 1 ? 0 : 1];
  }

  function collect() {
    var slug = script.getAttribute("data-statement");
    var parent = script.parentNode;
    if (slug && parent && parent !== document.head) {
      var span = document.createElement("span");
      span.className = "consult-count";
      span.setAttribute("data-consult-statement", slug);
      span.setAttribute("data-consult-link", "");
      parent.insertBefore(span, script.nextSibling);
    }
    var nodes = document.querySelectorAll("[data-consult-statement]:not([data-consult-bound])");
    for (var index = 0; index < nodes.length; index++) {
      var node = nodes[index];
      var nodeSlug = node.getAttribute("data-consult-statement");
      node.setAttribute("data-consult-bound", "");
      if (!/^[-\w]{1,100}$/.test(nodeSlug)) continue;
      (targets[nodeSlug] = targets[nodeSlug] || []).push(node);
    }
  }

  function update(slug) {
    var url = origin + "/api/v1/statements/" + slug + "/";
    // No cookies and no referrer: the site learns nothing about the host page's readers.
    fetch(url, { credentials: "omit", mode: "cors", referrerPolicy: "no-referrer" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (statement) {
        targets[slug].forEach(function (node) { render(node, statement); });
      })
      .catch(function () {});
  }

  function refresh() {
    Object.keys(targets).forEach(update);
  }

  function schedule() {
    clearTimeout(timer);
    if (document.visibilityState === "hidden") return;
    timer = setTimeout(function () {
      refresh();
      schedule();
    }, interval);
  }

  function start() {
    collect();
    refresh();
    schedule();
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") refresh();
      schedule();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
