/** The node types, grouped by category, with a search; drag one onto the canvas (or onto a connection) to add it. */
import { memo, useMemo, useState, type DragEvent } from "react";
import type { NodeType } from "./types";

export const DRAG_MIME = "application/x-glueweb-node-type";

export const CATEGORY_LABELS: Record<string, string> = {
  sources: "Sources",
  columns: "Column operations",
  rows: "Row operations",
  combining: "Combining",
  reshaping: "Reshaping",
  text_json: "Text and JSON",
  sql_routing: "SQL and routing",
  quality: "Quality",
  code: "Code",
  targets: "Targets",
};

/** Types matching the search, grouped by category in the catalog's order. */
export function groupTypes(types: readonly NodeType[], search: string): [string, NodeType[]][] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const groups = new Map<string, NodeType[]>();
  for (const type of types) {
    if (!type.enabled) continue;
    const haystack = `${type.label} ${type.key} ${type.category} ${CATEGORY_LABELS[type.category] ?? ""} ${type.glue ?? ""}`.toLowerCase();
    if (!words.every((word) => haystack.includes(word))) continue;
    groups.set(type.category, [...(groups.get(type.category) ?? []), type]);
  }
  const order = Object.keys(CATEGORY_LABELS);
  return [...groups.entries()].sort((a, b) => {
    const ia = order.indexOf(a[0]);
    const ib = order.indexOf(b[0]);
    return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib);
  });
}

function PaletteInner({ types, onAdd }: { types: readonly NodeType[]; onAdd: (type: NodeType) => void }) {
  const [search, setSearch] = useState("");
  const groups = useMemo(() => groupTypes(types, search), [types, search]);
  const onDragStart = (event: DragEvent, type: NodeType) => {
    event.dataTransfer.setData(DRAG_MIME, type.key);
    event.dataTransfer.setData("text/plain", type.key);
    event.dataTransfer.effectAllowed = "move";
  };
  return (
    <aside className="editor-palette" aria-label="Node types">
      <input
        type="search"
        placeholder="Search node types"
        aria-label="Search node types"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      {groups.length === 0 && <p className="muted">No node type matches.</p>}
      {groups.map(([category, members]) => (
        <section key={category} className="palette-group">
          <h3>{CATEGORY_LABELS[category] ?? category}</h3>
          <ul>
            {members.map((type) => (
              <li key={type.key}>
                <div
                  className="palette-item"
                  draggable
                  role="button"
                  tabIndex={0}
                  data-testid={`palette-${type.key}`}
                  title={`${type.label} (${type.key})${type.glue ? ` · Glue: ${type.glue}` : ""}. Drag onto the canvas, or press Enter to add.`}
                  onDragStart={(event) => onDragStart(event, type)}
                  onKeyDown={(event) => {
                    if (event.key === "Enter" || event.key === " ") {
                      event.preventDefault();
                      onAdd(type);
                    }
                  }}
                >
                  {type.label}
                  <span className="palette-key">{type.key}</span>
                </div>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </aside>
  );
}

export const Palette = memo(PaletteInner);
