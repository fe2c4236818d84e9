/* The review queue, live: the list is replaced when the server says it changed (server-sent
   events), new alerts are announced to screen readers, and escalation countdowns tick. */
(function () {
  "use strict";
  var box = document.getElementById("queue-items");
  var status = document.getElementById("live-status");
  if (!box || !status) { return; }
  var pending = null;
  var newest = newestIn(box);

  function newestIn(element) {
    var list = element.querySelector("ol.queue");
    return list ? Number(list.getAttribute("data-newest") || 0) : 0;
  }

  /* Someone typing a reason in the list keeps it as it is until they leave the field; a new
     alert is still announced at once. */
  function busy() {
    var active = document.activeElement;
    return active && box.contains(active) &&
      (active.tagName === "INPUT" || active.tagName === "SELECT" || active.tagName === "TEXTAREA");
  }

  function replace(html) {
    if (busy()) { pending = html; return; }
    pending = null;
    box.innerHTML = html;
    tick();
  }

  box.addEventListener("focusout", function () {
    window.setTimeout(function () { if (pending !== null && !busy()) { replace(pending); } }, 0);
  });

  function tick() {
    var now = Date.now();
    var clocks = box.querySelectorAll("time[data-due]");
    for (var i = 0; i < clocks.length; i++) {
      var left = Math.round((Date.parse(clocks[i].getAttribute("data-due")) - now) / 1000);
      if (left <= 0) {
        clocks[i].textContent = box.getAttribute("data-text-due");
      } else {
        var seconds = left % 60;
        clocks[i].textContent = Math.floor(left / 60) + ":" + (seconds < 10 ? "0" : "") + seconds;
      }
    }
  }
  tick();
  window.setInterval(tick, 1000);

  if (!window.EventSource) { return; }
  var source = new EventSource(box.getAttribute("data-live"));
  source.addEventListener("open", function () {
    box.setAttribute("data-live-state", "on");
    status.textContent = box.getAttribute("data-text-live");
  });
  source.addEventListener("queue", function (event) {
    var data = JSON.parse(event.data);
    if (data.newest_alert > newest) {
      newest = data.newest_alert;
      status.textContent = box.getAttribute("data-text-new");
    }
    replace(data.html);
  });
  source.addEventListener("ended", function () {
    source.close();
    window.location.reload();
  });
  source.addEventListener("error", function () {
    box.setAttribute("data-live-state", "off");
    status.textContent = box.getAttribute("data-text-offline");
  });
})();
