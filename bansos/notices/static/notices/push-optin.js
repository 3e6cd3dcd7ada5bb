// The "turn on notifications" button (template notices/_push_optin.html). Uses the PWA's service worker
// registration (which imports push-sw.js); hidden where the browser has no Push API.
(function () {
  "use strict";
  function key(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("push-optin");
    if (!box || !("serviceWorker" in navigator) || !("PushManager" in window)) return;
    var on = box.querySelector("[data-action=subscribe]"), off = box.querySelector("[data-action=unsubscribe]");
    var status = box.querySelector("[data-status]");
    function say(name) { var t = box.querySelector("template[data-msg=" + name + "]"); status.textContent = t ? t.innerHTML : ""; }
    function send(method, body) {
      return fetch(box.dataset.endpoint, {
        method: method, credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": box.dataset.csrf },
        body: JSON.stringify(body)
      }).then(function (r) { if (!r.ok) throw new Error(r.status); return r; });
    }
    navigator.serviceWorker.getRegistration().then(function (reg) {
      if (!reg) return;
      box.hidden = false;
      reg.pushManager.getSubscription().then(function (sub) { on.hidden = !!sub; off.hidden = !sub; if (sub) say("on"); });
      on.addEventListener("click", function () {
        Notification.requestPermission().then(function (permission) {
          if (permission !== "granted") { say("denied"); return; }
          return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(box.dataset.key) })
            .then(function (sub) {
              var body = sub.toJSON(); body.region = box.dataset.region; body.program = box.dataset.program;
              return send("POST", body);
            })
            .then(function () { on.hidden = true; off.hidden = false; say("on"); });
        }).catch(function () { say("error"); });
      });
      off.addEventListener("click", function () {
        reg.pushManager.getSubscription().then(function (sub) {
          if (!sub) return;
          return send("DELETE", { endpoint: sub.endpoint }).then(function () { return sub.unsubscribe(); });
        }).then(function () { on.hidden = false; off.hidden = true; say("off"); }).catch(function () { say("error"); });
      });
    });
  });
})();
