// The photo form's focal point, chosen by clicking the subject in the preview: the click fills
// the two fields (0 to 1 from the left and from the top) and a marker shows it. Typing in the
// fields, as keyboard users do, moves the marker too.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const image = document.querySelector("#photo_form .field-preview img");
  const fieldX = document.getElementById("id_focal_point_x");
  const fieldY = document.getElementById("id_focal_point_y");
  if (!image || !fieldX || !fieldY) return;

  const frame = document.createElement("span");
  frame.className = "focal-point-frame";
  const marker = document.createElement("span");
  marker.className = "focal-point-marker";
  marker.hidden = true;
  const status = document.createElement("div");
  status.className = "focal-point-status";
  status.id = "focal-point-status";
  status.setAttribute("aria-live", "polite");
  image.replaceWith(frame);
  frame.append(image, marker);
  frame.after(status);

  const share = (field) => {
    const value = field.value.trim() === "" ? NaN : Number(field.value);
    return value >= 0 && value <= 1 ? value : null;
  };
  const show = () => {
    const [x, y] = [share(fieldX), share(fieldY)];
    marker.hidden = x === null || y === null;
    if (marker.hidden) {
      status.textContent =
        "Click the subject in the picture to set the focal point that crops keep, " +
        "or type it under “Cropping and identifiers”.";
      return;
    }
    marker.style.left = `${x * 100}%`;
    marker.style.top = `${y * 100}%`;
    status.textContent =
      `Focal point: ${Math.round(x * 100)}% from the left, ${Math.round(y * 100)}% ` +
      "from the top. Click elsewhere in the picture to move it.";
  };

  const clamp = (value) => Math.min(1, Math.max(0, value));
  image.addEventListener("click", (event) => {
    const box = image.getBoundingClientRect();
    fieldX.value = clamp((event.clientX - box.left) / box.width).toFixed(3);
    fieldY.value = clamp((event.clientY - box.top) / box.height).toFixed(3);
    for (const field of [fieldX, fieldY]) {
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
    show();
  });
  for (const field of [fieldX, fieldY]) field.addEventListener("input", show);
  show();
});
