// Live status for the pages that follow an identification (the return page, and the checklist
// and redirect pages while a phone may go on): reloads the page when the status changes.
// Without this script the return page reloads itself on a timer, so nothing depends on it.
(function () {
  var box = document.querySelector('[data-status]');
  if (!box || !window.EventSource) return;
  var shown = box.getAttribute('data-status');
  var events = new EventSource('/identification/events');
  // A form sent from this page (to IDnow, say) is where the customer goes: a status change it
  // causes must not reload the page under it.
  document.addEventListener('submit', function () { events.close(); });
  events.addEventListener('status', function (e) {
    if (e.data !== shown) {
      events.close();
      window.location.reload();
    }
  });
})();
