// Material fetches the search index (the whole site's text, 200 kB) and starts its search
// worker as every page opens. Inlined in the page's head, before Material's script runs,
// this holds both back until the reader turns to search: the first focus of the search
// box (a click on it, or the keys / s f), or at once on a page opened from a search
// result (?h=, which Material highlights). Everything else is Material's, unchanged.
(function () {
  "use strict";
  var release;
  var wanted = new Promise(function (resolve) { release = resolve; });
  if (/[?&]h=/.test(location.search)) release();
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("md-search__input")) release();
  });

  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.courseIndex = /\/search\/search_index\.json$/.test(String(url));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var request = this, args = arguments;
    if (!request.courseIndex) return send.apply(request, args);
    wanted.then(function () { send.apply(request, args); });
  };

  // The search worker: an EventTarget that stands in for it and passes messages on
  // once the real one is started.
  var RealWorker = window.Worker;
  window.Worker = function (url, options) {
    if (!/\/workers\/search\.[^/]*\.js$/.test(String(url))) return new RealWorker(url, options);
    var standIn = new EventTarget(), waiting = [], real = null;
    standIn.postMessage = function (message) {
      if (real) real.postMessage(message); else waiting.push(message);
    };
    standIn.terminate = function () { if (real) real.terminate(); };
    wanted.then(function () {
      real = new RealWorker(url, options);
      ["message", "messageerror", "error"].forEach(function (type) {
        real.addEventListener(type, function (event) {
          standIn.dispatchEvent(new event.constructor(type, event));
        });
      });
      waiting.splice(0).forEach(function (message) { real.postMessage(message); });
    });
    return standIn;
  };
})();
