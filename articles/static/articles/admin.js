// Live character counters on the article form: each field with data-recommended-length
// shows how many characters it holds against the length search engines and feeds show whole.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const field of document.querySelectorAll("[data-recommended-length]")) {
    const limit = Number(field.dataset.recommendedLength);
    const counter = document.createElement("div");
    counter.className = "char-count";
    counter.id = `${field.id}_count`;
    counter.setAttribute("aria-live", "polite");
    field.setAttribute(
      "aria-describedby",
      [field.getAttribute("aria-describedby"), counter.id].filter(Boolean).join(" "),
    );
    const update = () => {
      const length = [...field.value].length;
      counter.textContent = `${length} / ${limit} characters${length > limit ? ": longer than recommended" : ""}`;
      counter.classList.toggle("char-count-over", length > limit);
    };
    field.addEventListener("input", update);
    field.after(counter);
    update();
  }
});
