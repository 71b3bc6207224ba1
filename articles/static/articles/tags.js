// The article form's tags: a select2 box (Django's admin ships it) suggesting the site's tags
// as the editor types, and taking new ones. Each chosen tag is its own value of the form, so a
// name may hold commas, quotes or any script. A comma typed outside double quotes ends a new
// tag, as it did in the plain text box; "Washington, D.C." in quotes stays one tag.
"use strict";
{
  const $ = django.jQuery;

  // A name typed in double quotes is the name without them.
  const unquote = (text) => {
    const name = text.trim();
    return name.length > 1 && name.startsWith('"') && name.endsWith('"')
      ? name.slice(1, -1).trim()
      : name;
  };

  // The index of the first comma outside double quotes, or -1.
  const separatorAt = (text) => {
    let quoted = false;
    for (let index = 0; index < text.length; index++) {
      if (text[index] === '"') quoted = !quoted;
      else if (text[index] === "," && !quoted) return index;
    }
    return -1;
  };

  const newTag = (params) => {
    const name = unquote(params.term);
    return name ? { id: name, text: name, newTag: true } : null;
  };

  // Each name typed before a separating comma is chosen; what follows it stays typed.
  const tokenizer = (params, options, choose) => {
    let term = params.term;
    for (let cut = separatorAt(term); cut >= 0; cut = separatorAt(term)) {
      const tag = newTag({ term: term.slice(0, cut) });
      if (tag) choose(tag);
      term = term.slice(cut + 1);
    }
    return { term };
  };

  const enhance = (select) => {
    $(select).select2({
      theme: "admin-autocomplete",
      width: "100%",
      tags: true,
      tokenizer,
      createTag: newTag,
      // The site's tags first, the new one after them: Enter picks the existing spelling.
      insertTag: (data, tag) => data.push(tag),
      templateResult: (item) => (item.newTag ? `${item.text} (new tag)` : item.text),
      ajax: {
        url: select.dataset.tagSuggestions,
        dataType: "json",
        delay: 250,
        cache: true,
        data: (params) => ({ term: params.term || "" }),
      },
    });
    // The box's typing field, where the editor is, is named by the field's label and help.
    const search = select.nextElementSibling?.querySelector(".select2-search__field");
    const label = document.querySelector(`label[for="${select.id}"]`);
    if (search && label) {
      label.id ||= `${select.id}_label`;
      search.setAttribute("aria-labelledby", label.id);
      const help = select.getAttribute("aria-describedby");
      if (help) search.setAttribute("aria-describedby", help);
    }
  };

  $(() => {
    for (const select of document.querySelectorAll("select.tag-names")) enhance(select);
  });
}
