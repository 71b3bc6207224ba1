/*
 * The body editor's media (django-prose-editor loads this module for BODY_EDITOR's BodyPhoto,
 * BodyEmbed and BodyTable): a photo from the library, and a video or post from another site,
 * each a figure standing between paragraphs with an optional caption, stored as the sanitiser
 * keeps it (articles/html): <figure data-photo="12"> or <figure data-embed="https://…">; and
 * tables with their caption. Without these the editor would drop such figures and turn a
 * table's caption into a row of the table when it loads a body, and a save would keep that.
 * The server stays the authority: a photo number no photo has shows nothing, and an address
 * of a site it does not recognise is removed on save.
 */
import {
  canInsertNode,
  crel,
  gettext,
  Node,
  Table,
  updateAttrsDialog,
} from "django-prose-editor/editor"

const captionOf = (element, tag = "figcaption") =>
  (element.querySelector(`:scope > ${tag}`)?.textContent || "").replace(/\s+/g, " ").trim()

const mediaNode = ({ name, attribute, command, icon, describe, dialog }) =>
  Node.create({
    name,
    group: "block",
    atom: true,
    draggable: true,
    selectable: true,

    addOptions() {
      return { libraryUrl: null }
    },

    addAttributes() {
      return {
        // renderHTML() writes both itself, the caption as the figure's figcaption.
        value: {
          default: "",
          rendered: false,
          parseHTML: (element) => element.getAttribute(attribute) || "",
        },
        caption: { default: "", rendered: false, parseHTML: captionOf },
      }
    },

    parseHTML() {
      // Before the paragraph rules and any other figure's: the whole figure is this node.
      return [{ tag: `figure[${attribute}]`, priority: 60 }]
    },

    renderHTML({ node }) {
      const figure = ["figure", { [attribute]: node.attrs.value }]
      return node.attrs.caption ? [...figure, ["figcaption", {}, node.attrs.caption]] : figure
    },

    addNodeView() {
      return ({ editor, node }) => {
        const dom = crel("figure", { className: "body-media", contentEditable: "false" }, [
          crel("strong", { textContent: describe(node.attrs.value) }),
          crel("span", {
            textContent: node.attrs.caption
              ? ` — ${node.attrs.caption}`
              : ` — ${gettext("no caption of its own")}`,
          }),
        ])
        dom.title = gettext("Double-click to change")
        dom.addEventListener("dblclick", () => editor.commands[command]())
        return { dom }
      }
    },

    addCommands() {
      return {
        [command]:
          () =>
          ({ editor, state, dispatch }) => {
            const { node } = state.selection
            const selected = node?.type.name === name ? node : null
            if (!selected && !canInsertNode(state, state.schema.nodes[name])) return false
            if (!dispatch) return true
            dialog(this.options)(editor, {
              value: selected?.attrs.value || "",
              caption: selected?.attrs.caption || "",
            }).then((attrs) => {
              if (!attrs) return
              const value = attrs.value.trim()
              const caption = attrs.caption.replace(/\s+/g, " ").trim()
              const chain = editor.chain().focus()
              if (!value) {
                if (selected) chain.deleteSelection().run()
              } else if (selected) {
                chain.updateAttributes(name, { value, caption }).run()
              } else {
                chain.insertContent({ type: name, attrs: { value, caption } }).run()
              }
            })
            return true
          },
      }
    },

    addMenuItems({ buttons, menu }) {
      menu.defineItem({
        name,
        groups: "nodes",
        command: (editor) => editor.commands[command](),
        button: buttons.material(icon.name, icon.title),
        active: (editor) => editor.isActive(name),
      })
    },
  })

const captionField = {
  type: "string",
  title: gettext("Caption in this article"),
  description: gettext("Optional."),
}

export const BodyPhoto = mediaNode({
  name: "bodyPhoto",
  attribute: "data-photo",
  command: "editBodyPhoto",
  icon: { name: "add_photo_alternate", title: gettext("Photo from the library") },
  describe: (value) => `${gettext("Photo")} ${value}`,
  dialog: (options) =>
    updateAttrsDialog(
      {
        value: {
          type: "string",
          format: "number",
          min: "1",
          required: true,
          title: gettext("Photo number"),
          description: gettext(
            "The number in the photo's address in the library: …/photo/12/change/ is photo 12. " +
              "Its caption and credit are shown unless you give a caption for this article.",
          ),
          picker: options.libraryUrl
            ? {
                label: gettext("Open the photo library"),
                handler: () => window.open(options.libraryUrl, "_blank", "noopener"),
              }
            : null,
        },
        caption: captionField,
      },
      { title: gettext("Photo from the library"), submitText: gettext("Save") },
    ),
})

export const BodyEmbed = mediaNode({
  name: "bodyEmbed",
  attribute: "data-embed",
  command: "editBodyEmbed",
  icon: { name: "smart_display", title: gettext("Video or post from another site") },
  describe: (value) => `${gettext("Embed")} ${value}`,
  dialog: () =>
    updateAttrsDialog(
      {
        value: {
          type: "string",
          format: "url",
          required: true,
          title: gettext("Address of the video or post"),
          description: gettext(
            "A YouTube or Vimeo video, or a post on X, Instagram, Bluesky or Mastodon. " +
              "Readers see a placeholder until they choose to load it; any other address is " +
              "removed when the article is saved.",
          ),
        },
        caption: captionField,
      },
      { title: gettext("Video or post from another site"), submitText: gettext("Save") },
    ),
})

// Tables as django-prose-editor makes them, with a caption: an attribute of the table in the
// editor (a caption is not a row), written as the table's <caption>, changed from the table menu.
export const BodyTable = Table.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      caption: {
        default: "",
        rendered: false,
        parseHTML: (element) => captionOf(element, "caption"),
      },
    }
  },

  parseHTML() {
    // The caption element is read as the attribute above, never as the table's content.
    return [...this.parent(), { tag: "caption", ignore: true }]
  },

  renderHTML(props) {
    const [tag, attributes, ...content] = this.parent(props)
    const { caption } = props.node.attrs
    return caption ? [tag, attributes, ["caption", {}, caption], ...content] : [tag, attributes, ...content]
  },

  addNodeView() {
    const tableView = this.parent()
    return (props) => {
      const view = tableView(props)
      // Shown over the table as readers see it; outside the editable content, whose changes
      // the table's view ignores.
      const caption = crel("div", { className: "body-table-caption", contentEditable: "false" })
      const show = (node) => {
        caption.textContent = node.attrs.caption
        caption.hidden = !node.attrs.caption
      }
      show(props.node)
      view.dom.prepend(caption)
      const update = view.update.bind(view)
      view.update = (node) => {
        if (!update(node)) return false
        show(node)
        return true
      }
      return view
    }
  },

  addCommands() {
    return {
      ...this.parent?.(),
      editTableCaption:
        () =>
        ({ editor, state, dispatch }) => {
          if (!editor.isActive("table")) return false
          if (!dispatch) return true
          updateAttrsDialog(
            {
              caption: {
                type: "string",
                title: gettext("Caption"),
                description: gettext(
                  "What the table shows, over it. Readers of screens that cannot show it whole " +
                    "find it by this name.",
                ),
              },
            },
            { title: gettext("Table caption"), submitText: gettext("Save") },
          )(editor, { caption: editor.getAttributes("table").caption || "" }).then((attrs) => {
            if (!attrs) return
            const caption = attrs.caption.replace(/\s+/g, " ").trim()
            editor.chain().focus().updateAttributes("table", { caption }).run()
          })
          return true
        },
    }
  },

  addMenuItems(storage) {
    this.parent?.(storage)
    storage.menu.defineItem({
      name: "table:caption",
      groups: "table",
      command: (editor) => editor.commands.editTableCaption(),
      button: storage.buttons.material("subtitles", gettext("Table caption")),
      hidden: (editor) => !editor.isActive("table"),
      active: (editor) => Boolean(editor.getAttributes("table").caption),
    })
  },
})
