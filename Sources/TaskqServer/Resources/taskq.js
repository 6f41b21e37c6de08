// taskq dashboard: live regions. An element with data-live="/events/…" is replaced by the HTML the server pushes
// (Server-Sent Events); nothing polls. Without JavaScript every page still reads fine and a reload shows the news.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-live]").forEach(function (region) {
    if (!window.EventSource) return;
    var source = new EventSource(region.getAttribute("data-live"));
    source.addEventListener("update", function (event) {
      region.innerHTML = event.data;
      region.setAttribute("data-updated", String(Date.now()));
    });
    source.addEventListener("end", function () { source.close(); });
    window.addEventListener("pagehide", function () { source.close(); });
  });
});
