// Copy and share buttons for a badge's link. Without JavaScript the link stays in its read-only field.
(function () {
  "use strict";

  function announce(text) {
    var status = document.querySelector("[data-share-status]");
    if (status) {
      status.textContent = text;
    }
  }

  function init() {
    var actions = document.querySelector("[data-share-actions]");
    if (!actions) {
      return;
    }
    var shown = false;

    var source = document.querySelector("[data-share-source]");
    if (source) {
      source.addEventListener("focus", function () {
        source.select();
      });
    }

    var copy = actions.querySelector("[data-copy]");
    if (copy && navigator.clipboard && window.isSecureContext) {
      copy.hidden = false;
      shown = true;
      copy.addEventListener("click", function () {
        var field = document.getElementById(copy.getAttribute("data-copy"));
        navigator.clipboard.writeText(field.value).then(function () {
          announce(copy.getAttribute("data-copied"));
        });
      });
    }

    var share = actions.querySelector("[data-share]");
    if (share && navigator.share) {
      share.hidden = false;
      shown = true;
      share.addEventListener("click", function () {
        navigator
          .share({ title: share.getAttribute("data-share-title"), url: share.getAttribute("data-share-url") })
          .catch(function () {
            // The person closed the share sheet: nothing to do.
          });
      });
    }

    actions.hidden = !shown;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
