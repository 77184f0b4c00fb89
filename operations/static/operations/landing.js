// The landing page's live service indicator: polls /api/health and shows what it says.
// States: waiting (before the first answer), ok, degraded, down, unreachable (no answer).
(function () {
  "use strict";
  var box = document.getElementById("service");
  var url = box.dataset.healthUrl;
  var every = Math.max(1, parseFloat(box.dataset.pollSeconds || "5")) * 1000;

  function show(id, text) { document.getElementById(id).textContent = text; }

  function seconds(value) {
    if (value === null || value === undefined) { return "none waiting"; }
    return "oldest " + value.toFixed(1) + " s";
  }

  function render(state, health) {
    box.dataset.state = state;
    show("service-status", state === "unreachable" ? "unreachable — the service did not answer" : state);
    show("checked-at", new Date().toLocaleTimeString());
    if (!health || !health.queue || health.queue.queued === null || health.queue.queued === undefined) {
      ["db-latency", "queue-load", "workers", "syncs"].forEach(function (id) { show(id, "—"); });
      return;
    }
    show("db-latency", health.db_latency_ms.toFixed(1) + " ms");
    show("queue-load", health.queue.queued + " queued, " + seconds(health.queue.oldest_age_s));
    var beat = health.workers.last_heartbeat_at;
    show("workers", health.workers.alive + " alive" +
      (beat ? ", last seen " + new Date(beat).toLocaleTimeString() : ", never seen"));
    show("syncs", health.sync_1h.success + " succeeded, " + health.sync_1h.failed + " failed");
    show("version", health.version);
  }

  function poll() {
    fetch(url, { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (reply) {
        return reply.json().then(function (health) { render(health.status || "down", health); });
      })
      .catch(function () { render("unreachable", null); })
      .finally(function () { window.setTimeout(poll, every); });
  }

  poll();
})();
