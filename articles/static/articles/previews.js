// "Share a preview" in the admin: the Copy button beside a new preview link, shown only once.
// Without the clipboard (an address that is not https), the link is selected for copying.
"use strict";

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) {
    return;
  }
  const field = document.getElementById(button.dataset.copy);
  field.focus();
  field.select();
  if (navigator.clipboard) {
    navigator.clipboard.writeText(field.value).then(() => {
      button.textContent = button.dataset.copied;
    });
  }
});
