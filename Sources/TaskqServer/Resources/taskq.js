// taskq dashboard: live regions. An element with data-live="/events/…" is replaced by the HTML the server pushes
// (Server-Sent Events, `update` events); nothing polls. Without JavaScript every page still reads fine and a reload
// shows the news. The region's data-live-state says "live", "stale" (the server cannot read the store: what shows
// is its last reading, and the stream goes on), "reconnecting" (the browser retries by itself),
// "paused" (the tab is hidden: browsers allow six connections per server, so background tabs give theirs back and
// reconnect when shown), "ended" (logout, server shutdown, job purged: the page says so and tries again now and
// then, so a restarted server is picked up) or "signed-out" (the session is gone: sessions live in the server's
// memory, so a restarted server has forgotten it; the page says to log in again and stops trying).
(function () {
  "use strict";

  function connect(region) {
    if (!window.EventSource || region.taskqSource || document.hidden) return;
    clearTimeout(region.taskqRetry);
    var source = new EventSource(region.getAttribute("data-live"));
    region.taskqSource = source;
    source.addEventListener("open", function () {
      region.taskqFailures = 0;
      region.setAttribute("data-live-state", "live");
    });
    source.addEventListener("update", function (event) {
      replace(region, event.data);
      region.setAttribute("data-updated", String(Date.now()));
      region.setAttribute("data-live-state", "live");
    });
    source.addEventListener("error", function () {
      if (source.readyState === EventSource.CLOSED) ended(region); else region.setAttribute("data-live-state", "reconnecting");
    });
    source.addEventListener("stale", function () { region.setAttribute("data-live-state", "stale"); });
    source.addEventListener("fresh", function () { region.setAttribute("data-live-state", "live"); });
    source.addEventListener("end", function () { ended(region); });
  }

  function disconnect(region, state) {
    clearTimeout(region.taskqRetry);
    if (region.taskqSource) region.taskqSource.close();
    region.taskqSource = null;
    region.setAttribute("data-live-state", state);
  }

  // The stream ended (or was refused): say so, and try again after 5 s, 10 s, … up to a minute.
  function ended(region) {
    disconnect(region, "ended");
    region.taskqFailures = (region.taskqFailures || 0) + 1;
    var delay = Math.min(60, 5 * region.taskqFailures) * 1000;
    region.taskqRetry = setTimeout(function () { retry(region); }, delay);
  }

  // Before reconnecting, the page checks its session with a request that needs one and reads nothing from the store
  // (HEAD of the API document): 401 means the server has no session for this page.
  function retry(region) {
    if (!window.fetch) { connect(region); return; }
    fetch("/api/openapi.json", { method: "HEAD", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 401) disconnect(region, "signed-out"); else connect(region);
      }, function () { ended(region); });
  }

  // New HTML for a region, keeping what the reader was doing: the focused control (found again by its form's
  // action, its name, link and text) and where each output box was scrolled to (at the bottom: stays there).
  function replace(region, html) {
    var active = document.activeElement;
    var key = active && active !== region && region.contains(active) ? describe(active) : null;
    var boxes = Array.prototype.map.call(region.querySelectorAll("pre"), function (pre) {
      return { top: pre.scrollTop, atBottom: pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4 };
    });
    region.innerHTML = html;
    region.querySelectorAll("pre").forEach(function (pre, i) {
      var box = boxes[i];
      if (box) pre.scrollTop = box.atBottom ? pre.scrollHeight : box.top;
    });
    if (key) {
      var again = find(region, key);
      if (again) again.focus({ preventScroll: true });
    }
  }

  function formAction(element) {
    var form = element.form || (element.closest && element.closest("form"));
    return form ? form.getAttribute("action") : null;
  }

  function describe(element) {
    return { tag: element.tagName, action: formAction(element), name: element.getAttribute("name"),
             href: element.getAttribute("href"), text: element.textContent };
  }

  function find(region, key) {
    var candidates = region.getElementsByTagName(key.tag);
    for (var i = 0; i < candidates.length; i++) {
      var element = candidates[i];
      if (formAction(element) === key.action && element.getAttribute("name") === key.name &&
          element.getAttribute("href") === key.href && element.textContent === key.text) return element;
    }
    return null;
  }

  function regions() { return document.querySelectorAll("[data-live]"); }

  document.addEventListener("DOMContentLoaded", function () {
    // Output boxes open at their newest lines, as a tail does.
    document.querySelectorAll("pre.output").forEach(function (pre) { pre.scrollTop = pre.scrollHeight; });
    regions().forEach(connect);
  });
  document.addEventListener("visibilitychange", function () {
    regions().forEach(function (region) {
      if (document.hidden) disconnect(region, "paused"); else connect(region);
    });
  });
  // Leaving closes the streams; coming back from the back/forward cache opens them again.
  window.addEventListener("pagehide", function () { regions().forEach(function (r) { disconnect(r, "closed"); }); });
  window.addEventListener("pageshow", function (event) { if (event.persisted) regions().forEach(connect); });
})();
