// The only HTML strings this page may ever parse. The server's Content-Security-Policy
// requires Trusted Types, so assigning any other string to innerHTML (or similar) throws:
// article text can never become markup, even by mistake. The allowed strings are the
// constants Leaflet itself writes (feature probes and zoom-button glyphs).
(function () {
  "use strict";
  if (!window.trustedTypes || !window.trustedTypes.createPolicy) return;
  var allowed = new Set([
    "",
    "<svg/>",
    '<v:shape adj="1"/>',
    '<span aria-hidden="true">+</span>',
    '<span aria-hidden="true">&#x2212;</span>',
  ]);
  window.trustedTypes.createPolicy("default", {
    createHTML: function (html) {
      if (allowed.has(html)) return html;
      console.error("fogwatch: blocked an HTML string from reaching the page");
      return null;
    },
  });
})();
