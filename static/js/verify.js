// Checks a PDF chosen on the verification page against the SHA-256 shown there, in the browser: the file
// never leaves the device. Without JavaScript (or without Web Crypto) the section stays hidden and the page
// explains how to compare the checksum by hand.
(function () {
  "use strict";

  function hex(buffer) {
    return Array.prototype.map
      .call(new Uint8Array(buffer), function (byte) {
        return ("0" + byte.toString(16)).slice(-2);
      })
      .join("");
  }

  function init() {
    var box = document.querySelector("[data-verify-check]");
    if (!box || !window.crypto || !window.crypto.subtle || !window.Blob || !window.Blob.prototype.arrayBuffer) {
      return;
    }
    var input = box.querySelector("[data-verify-file]");
    var result = box.querySelector("[data-verify-result]");
    var known = {};
    document.querySelectorAll("[data-sha256]").forEach(function (element) {
      known[element.getAttribute("data-sha256").toLowerCase()] = element.getAttribute("data-language");
    });

    function say(text, state) {
      result.textContent = text;
      result.className = "cert-check__result" + (state ? " cert-check__result--" + state : "");
    }

    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) {
        say("", "");
        return;
      }
      say(box.getAttribute("data-working"), "");
      file
        .arrayBuffer()
        .then(function (data) {
          return window.crypto.subtle.digest("SHA-256", data);
        })
        .then(function (digest) {
          var language = known[hex(digest)];
          if (language) {
            say(box.getAttribute("data-match").replace("{language}", language), "match");
          } else {
            say(box.getAttribute("data-mismatch"), "mismatch");
          }
        })
        .catch(function () {
          say(box.getAttribute("data-failed"), "mismatch");
        });
    });
    box.hidden = false;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
