// Live status for the pages that follow an identification (the return page, and the checklist
// and redirect pages while a phone may go on): reloads the page when the status changes.
// The live stream is the fast path. Where it is cut or held back (a proxy that buffers event
// streams sends nothing), the script asks the status read (`GET /api/status`, a server
// function) every few seconds instead. Without this script the return page reloads itself on
// a timer, so nothing depends on it.
(function () {
  var box = document.querySelector('[data-status]');
  if (!box) return;
  var shown = box.getAttribute('data-status');
  var POLL_MS = 5000;
  var events = null;
  var poller = null;
  var done = false;

  function stop() {
    done = true;
    if (events) events.close();
    if (poller) window.clearInterval(poller);
  }

  function seen(status) {
    if (!done && status !== shown) {
      stop();
      window.location.reload();
    }
  }

  function read() {
    if (!window.fetch) return;
    fetch('/api/status', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (status) { if (typeof status === 'string') seen(status); })
      .catch(function () {});
  }

  function poll() {
    if (poller || done) return;
    read();
    poller = window.setInterval(read, POLL_MS);
  }

  // A form sent from this page (to IDnow, say) is where the customer goes: a status change it
  // causes must not reload the page under it.
  document.addEventListener('submit', stop);

  // Words that change with time alone (a review that may still change a cancel, a check that
  // takes longer than usual): the page says when to look again.
  var recheck = parseInt(box.getAttribute('data-recheck-in') || '', 10);
  if (recheck > 0) {
    window.setTimeout(function () {
      if (!done) { stop(); window.location.reload(); }
    }, recheck * 1000);
  }

  if (!window.EventSource) {
    poll();
    return;
  }
  events = new EventSource('/identification/events');
  // The stream's first event is the current status, sent at once: a stream that says nothing
  // for a while is held back on its way.
  var heard = false;
  window.setTimeout(function () { if (!heard) poll(); }, POLL_MS);
  events.addEventListener('status', function (e) {
    heard = true;
    seen(e.data);
  });
  events.addEventListener('error', poll);
})();
