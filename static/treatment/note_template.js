// Session note: choosing a template adds its headings to the note (kept CSP-safe: no inline JS).
document.addEventListener("DOMContentLoaded", () => {
  const select = document.querySelector("[data-note-template]");
  const note = document.getElementById("id_note");
  if (!select || !note) return;
  select.addEventListener("change", () => {
    const option = select.selectedOptions[0];
    const text = option ? option.dataset.text : "";
    if (!text) return;
    const current = note.value.trimEnd();
    note.value = current ? `${current}\n\n${text}` : text;
    select.value = "";
    note.focus();
  });
});
