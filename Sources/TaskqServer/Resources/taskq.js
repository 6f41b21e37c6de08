// taskq dashboard: live regions. An element with data-live="/events/…" is replaced by the HTML the server pushes
// (Server-Sent Events, `update` events); nothing polls. Without JavaScript every page still reads fine and a reload
// shows the news. The region's data-live-state says "live", "reconnecting" (the browser retries by itself) or
// "ended" (logout or server shutdown: the stream said `end`).
(function () {
  "use strict";

  function connect(region) {
    if (!window.EventSource || region.taskqSource) return;
    var source = new EventSource(region.getAttribute("data-live"));
    region.taskqSource = source;
    source.addEventListener("open", function () { region.setAttribute("data-live-state", "live"); });
    source.addEventListener("update", function (event) {
      region.innerHTML = event.data;
      region.setAttribute("data-updated", String(Date.now()));
      region.setAttribute("data-live-state", "live");
    });
    source.addEventListener("error", function () {
      region.setAttribute("data-live-state", source.readyState === EventSource.CLOSED ? "ended" : "reconnecting");
    });
    source.addEventListener("end", function () { disconnect(region, "ended"); });
  }

  function disconnect(region, state) {
    if (region.taskqSource) region.taskqSource.close();
    region.taskqSource = null;
    region.setAttribute("data-live-state", state);
  }

  function regions() { return document.querySelectorAll("[data-live]"); }

  document.addEventListener("DOMContentLoaded", function () {
    regions().forEach(connect);
  });
  // Leaving closes the streams; coming back from the back/forward cache opens them again.
  window.addEventListener("pagehide", function () { regions().forEach(function (r) { disconnect(r, "closed"); }); });
  window.addEventListener("pageshow", function (event) { if (event.persisted) regions().forEach(connect); });
})();
