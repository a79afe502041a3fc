// Live status for the return page: reloads the page when the status changes. Without this
// script the page reloads itself on a timer, so nothing depends on it.
(function () {
  var box = document.querySelector('[data-status]');
  if (!box || !window.EventSource) return;
  var shown = box.getAttribute('data-status');
  var events = new EventSource('/identification/events');
  events.addEventListener('status', function (e) {
    if (e.data !== shown) {
      events.close();
      window.location.reload();
    }
  });
})();
