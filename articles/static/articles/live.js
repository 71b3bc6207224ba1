/*
 * A live blog's page, while its coverage goes on: every few seconds, ask for the updates
 * posted since the newest one shown (views.live), put them at the top of the stream, and say
 * politely how many came. The answer is the same for every reader, so front caches serve it.
 * Without this script the page still works: a reload shows the same updates.
 */
(function () {
  "use strict";
  var section = document.querySelector("section.live[data-updates]");
  if (!section || !window.fetch || !window.DOMParser) {
    return;
  }
  var stream = section.querySelector(".live-stream");
  var status = section.querySelector(".live-status");
  var address = section.getAttribute("data-updates");
  var after = section.getAttribute("data-after") || "0";
  var every = Math.max(1, parseInt(section.getAttribute("data-every"), 10) || 10) * 1000;
  var parser = new DOMParser();

  function show(updates) {
    var added = 0;
    updates.forEach(function (update) {
      if (document.getElementById("update-" + update.id)) {
        return;
      }
      // Our own HTML, made by the server from sanitised updates.
      var node = parser.parseFromString(update.html, "text/html").body.firstElementChild;
      if (!node) {
        return;
      }
      var none = stream.querySelector(".live-none");
      if (none) {
        none.remove();
      }
      stream.insertBefore(node, stream.firstElementChild);
      added += 1;
    });
    if (added) {
      status.textContent = added === 1
        ? section.getAttribute("data-one")
        : section.getAttribute("data-many").replace("%s", String(added));
    }
  }

  function ask() {
    fetch(address + "?after=" + encodeURIComponent(after), {
      headers: { Accept: "application/json" },
      credentials: "omit",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (answer) {
        show(answer.updates);
        after = String(answer.latest);
        if (answer.ended) {
          status.textContent = section.getAttribute("data-ended");
          return;
        }
        window.setTimeout(ask, every);
      })
      .catch(function () {
        // The site or the network failed: try again, less often.
        window.setTimeout(ask, every * 3);
      });
  }

  window.setTimeout(ask, every);
})();
