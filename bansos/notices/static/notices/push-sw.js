/* Web Push handlers for the Bansos service worker. The PWA service worker imports this file
   (importScripts("/static/notices/push-sw.js")). The server sends JSON: {"title", "body", "url"}. */
/* eslint-env serviceworker */
(function () {
  "use strict";
  self.addEventListener("push", function (event) {
    var data = {};
    try { data = event.data ? event.data.json() : {}; } catch (e) { data = { body: event.data ? event.data.text() : "" }; }
    var title = data.title || "Bansos";
    event.waitUntil(self.registration.showNotification(title, {
      body: data.body || "",
      data: { url: data.url || "/berita/" },
      tag: data.url || "bansos-news",
      lang: "id"
    }));
  });

  self.addEventListener("notificationclick", function (event) {
    event.notification.close();
    var url = (event.notification.data && event.notification.data.url) || "/berita/";
    event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
      for (var i = 0; i < list.length; i++) {
        if (list[i].url === url && "focus" in list[i]) return list[i].focus();
      }
      return self.clients.openWindow ? self.clients.openWindow(url) : undefined;
    }));
  });

  self.addEventListener("pushsubscriptionchange", function (event) {
    // The browser renewed the subscription: the page re-registers it at the next visit.
    event.waitUntil(Promise.resolve());
  });
})();
