// The operations dashboard refreshes itself: it fetches the page again and swaps the
// content, so a person reading it keeps their scroll position. The first visit also
// records the browser's time zone (a cookie), so times show in the viewer's zone.
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  var cookie = root.dataset.tzCookie;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var hasCookie = document.cookie.split("; ").some(function (c) { return c.indexOf(cookie + "=") === 0; });
  if (zone && !hasCookie && !new URLSearchParams(location.search).has("tz")) {
    document.cookie = cookie + "=" + encodeURIComponent(zone) + "; path=/; SameSite=Lax";
    if (zone !== root.dataset.zone) { location.reload(); return; }
  }
  var every = parseInt(root.dataset.refreshSeconds || "30", 10) * 1000;

  function refresh() {
    fetch(location.href, { cache: "no-store", credentials: "same-origin" })
      .then(function (reply) { return reply.ok ? reply.text() : Promise.reject(reply.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("dashboard");
        if (fresh) { root.innerHTML = fresh.innerHTML; }
      })
      .catch(function () {
        var stamp = document.getElementById("refreshed-at");
        if (stamp) { stamp.textContent += " (refresh failed; retrying)"; }
      })
      .finally(function () { window.setTimeout(refresh, every); });
  }
  window.setTimeout(refresh, every);
})();
