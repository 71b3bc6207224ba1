/*
 * Videos in an article body load only when the reader asks. Until then the page holds a
 * placeholder (templates/articles/includes/embed.html) and nothing from the video's site; this
 * script shows its button, and on a press puts the provider's player in its place, focused, so
 * that the keyboard stays where the reader was. Without this script the placeholder's link
 * goes to the video. The Content-Security-Policy allows these two players as frames, no other.
 */
(function () {
  "use strict";
  var PLAYERS = /^https:\/\/(www\.youtube-nocookie\.com\/embed|player\.vimeo\.com\/video)\//;

  function play(figure) {
    var placeholder = figure.querySelector(".embed-placeholder");
    var address = figure.getAttribute("data-player") || "";
    if (!placeholder || !PLAYERS.test(address)) {
      return;
    }
    var frame = document.createElement("iframe");
    frame.className = "embed-player";
    frame.title = figure.getAttribute("data-player-title") || "";
    frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    frame.allowFullscreen = true;
    // The players ask for the page's origin (not its address) to know where they play.
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.setAttribute(
      "sandbox",
      "allow-scripts allow-same-origin allow-presentation allow-popups " +
        "allow-popups-to-escape-sandbox"
    );
    frame.src = address;
    placeholder.replaceWith(frame);
    frame.focus();
  }

  document.querySelectorAll("figure.embed[data-player]").forEach(function (figure) {
    var button = figure.querySelector(".embed-load");
    if (!button) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      play(figure);
    });
  });
})();
