/**
 * The visual ETL editor: palette, canvas, node form, and tabs for preview,
 * problems, code, settings, versions and the current run. The graph document
 * lives in an undo history (history.ts); React Flow shows a view of it.
 */
import {
  Background,
  ConnectionMode,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  applyEdgeChanges,
  applyNodeChanges,
  getViewportForBounds,
  useNodesInitialized,
  useReactFlow,
  useStoreApi,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type IsValidConnection,
  type NodeChange,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type DragEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError } from "../api/client";
import { ImportJsonButton } from "../components/ImportJsonButton";
import { useLeaveGuard } from "../components/LeaveGuard";
import { usePageTitle } from "../components/PageHeader";
import {
  DEFAULT_SETTINGS,
  createJob,
  downloadText,
  exportDocument,
  getJob,
  listVersions,
  startRun,
  updateJob,
  type JobSettings,
  type JobVersion,
} from "../jobs/api";
import { fetchNodeTypes, problemsOf } from "./api";
import { CodeTab } from "./CodeTab";
import { copiedNodes, copyNodes } from "./clipboard";
import { NODE_KIND, problemsByNode, requestFromHandles, toFlowEdges, toFlowNodes, type EditorNode } from "./flow";
import {
  addNodesAndEdges,
  cloneNodes,
  connect,
  connectionProblem,
  edgeKey,
  moveNodes,
  newNode,
  parseGraph,
  removeEdges,
  removeNodes,
  spliceOntoEdge,
  updateNode,
  addNode,
} from "./graph";
import { canRedo, canUndo, historyReducer, startHistory } from "./history";
import { FINAL_STATES, useGraphCheck, useLiveRun, usePreview } from "./hooks";
import { NODE_HEIGHT, NODE_WIDTH, autoLayout, graphBounds, placeInView, type Rect } from "./layout";
import { NodePanel } from "./NodePanel";
import { NODE_TYPES } from "./NodeView";
import { DRAG_MIME, Palette } from "./Palette";
import { PreviewGrid } from "./PreviewGrid";
import { ProblemsList } from "./ProblemsList";
import { SettingsPanel } from "./SettingsPanel";
import { emptyGraph, type GraphDocument, type GraphEdge, type GraphNode, type NodeType, type Problem } from "./types";
import { VersionsPanel } from "./VersionsPanel";

const NO_PROBLEMS: Problem[] = [];

type Tab = "preview" | "problems" | "code" | "settings" | "versions" | "run";

interface Notice {
  kind: "error" | "info";
  text: string;
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

function settingsOf(job: Partial<JobSettings>): JobSettings {
  return {
    name: job.name ?? "",
    description: job.description ?? DEFAULT_SETTINGS.description,
    default_parameters: job.default_parameters ?? {},
    max_retries: job.max_retries ?? DEFAULT_SETTINGS.max_retries,
    timeout_minutes: job.timeout_minutes ?? DEFAULT_SETTINGS.timeout_minutes,
    max_concurrent_runs: job.max_concurrent_runs ?? DEFAULT_SETTINGS.max_concurrent_runs,
    node_metrics: job.node_metrics ?? DEFAULT_SETTINGS.node_metrics,
    tags: job.tags ?? [],
  };
}

function fingerprint(graph: GraphDocument, settings: JobSettings): string {
  return JSON.stringify([graph, settings]);
}

export function EditorPage() {
  return (
    <ReactFlowProvider>
      <Editor />
    </ReactFlowProvider>
  );
}

function Editor() {
  const params = useParams();
  const navigate = useNavigate();
  const jobId = params.id ? Number(params.id) : null;
  const flow = useReactFlow<EditorNode>();

  const [types, setTypes] = useState<NodeType[]>([]);
  const typeMap = useMemo(() => new Map(types.map((type) => [type.key, type])), [types]);
  const [history, dispatch] = useReducer(historyReducer, undefined, () => startHistory(emptyGraph()));
  const graph = history.present;
  const [settings, setSettings] = useState<JobSettings>(() => settingsOf({ name: `Untitled job ${new Date().toISOString().slice(0, 16).replace("T", " ")}` }));
  const [saved, setSaved] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [settingsErrors, setSettingsErrors] = useState<Record<string, string[]>>({});
  const [versions, setVersions] = useState<JobVersion[] | null>(null);
  const [tab, setTab] = useState<Tab>("preview");
  const [saving, setSaving] = useState(false);
  const [runId, setRunId] = useState<number | null>(null);
  const run = useLiveRun(runId);
  // Fit the view once React Flow has measured the nodes of a loaded, imported or laid-out graph.
  const fitPending = useRef(false);
  // The job this editor has just created: its URL changes, but there is nothing to load (and undo stays).
  const created = useRef<number | null>(null);

  usePageTitle(settings.name ? `${settings.name} · editor` : "Job editor");

  // --- loading -----------------------------------------------------------------
  useEffect(() => {
    const controller = new AbortController();
    fetchNodeTypes(controller.signal).then(setTypes, (error: unknown) => {
      if (!controller.signal.aborted) setLoadError(`Could not load the node types: ${problemsOf(error)[0]?.message}`);
    });
    return () => controller.abort();
  }, []);

  useEffect(() => {
    if (jobId === null) {
      setSaved(null);
      setVersions(null);
      return;
    }
    if (created.current === jobId) return;
    const controller = new AbortController();
    getJob(jobId, controller.signal).then(
      (job) => {
        const loaded = parseGraph(JSON.stringify(job.graph));
        const loadedSettings = settingsOf(job);
        dispatch({ kind: "reset", graph: loaded });
        setSettings(loadedSettings);
        setSaved(fingerprint(loaded, loadedSettings));
        setLoadError(null);
        fitPending.current = true;
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setLoadError(error instanceof Error ? error.message : String(error));
      },
    );
    listVersions(jobId, controller.signal).then(setVersions, () => undefined);
    return () => controller.abort();
  }, [jobId, flow]);

  const dirty = saved === null ? graph.nodes.length > 0 : fingerprint(graph, settings) !== saved;

  // Leaving with unsaved changes (any link, back/forward, closing the tab) asks first.
  const guard = useLeaveGuard(dirty, "This job has unsaved changes.");

  // --- engine answers ----------------------------------------------------------
  const { answer, checking } = useGraphCheck(graph);
  const problems = answer.errors;
  const grouped = useMemo(() => problemsByNode(problems), [problems]);

  // --- React Flow's view of the graph ------------------------------------------
  const [nodes, setNodes] = useState<EditorNode[]>([]);
  const [edges, setEdges] = useState<Edge[]>([]);
  const dragging = useRef(false);
  const pendingSelection = useRef<Set<string> | null>(null);
  const runStates = useMemo(() => run?.nodes ?? new Map(), [run]);

  useEffect(() => {
    if (dragging.current) return;
    const select = pendingSelection.current;
    pendingSelection.current = null;
    setNodes((previous) => {
      const kept = select ? previous.map((node) => ({ ...node, selected: false })) : previous;
      return toFlowNodes(graph, { types: typeMap, problems: grouped, schemas: answer.nodes, runStates, selected: select ?? new Set() }, kept).map((node) =>
        select ? (select.has(node.id) !== Boolean(node.selected) ? { ...node, selected: select.has(node.id) } : node) : node,
      );
    });
    setEdges((previous) => toFlowEdges(graph, new Set(previous.filter((edge) => edge.selected).map((edge) => edge.id))));
  }, [graph, typeMap, grouped, answer.nodes, runStates]);

  const measured = useNodesInitialized();
  const store = useStoreApi<EditorNode>();
  useEffect(() => {
    if (!fitPending.current || !measured || nodes.length === 0) return;
    fitPending.current = false;
    // Fit to the document's places, not with fitView: that reads React Flow's own copy of them,
    // which just after a layout or an import can still hold the old ones (the view then missed
    // the nodes now and then).
    const { width, height, minZoom } = store.getState();
    const sizes = new Map(nodes.map((node) => [node.id, node.measured]));
    void flow.setViewport(getViewportForBounds(graphBounds(graph, sizes), width, height, minZoom, 1, 0.1));
  }, [measured, nodes, graph, flow, store]);

  const selectedIds = useMemo(() => nodes.filter((node) => node.selected).map((node) => node.id), [nodes]);
  const selectedNode = selectedIds.length === 1 ? graph.nodes.find((node) => node.id === selectedIds[0]) : undefined;
  const preview = usePreview(graph, selectedNode?.id ?? null, tab === "preview");
  const selectedId = selectedNode?.id;

  const edit = useCallback((change: (graph: GraphDocument) => GraphDocument, typing?: string) => dispatch({ kind: "edit", edit: change, typing }), []);

  // Stable, so the side panel does not re-render on every frame of a drag.
  const changeNode = useCallback(
    (change: Partial<Omit<GraphNode, "id">>, typing?: string) => {
      if (selectedId !== undefined) edit((g) => updateNode(g, selectedId, change), typing);
    },
    [edit, selectedId],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<EditorNode>[]) => {
      // Removals go through onDelete (one undo step); the rest is React Flow's own view state.
      const kept = changes.filter((change) => change.type !== "remove");
      const ended = new Map<string, { x: number; y: number }>();
      for (const change of kept) {
        if (change.type === "position") {
          dragging.current = Boolean(change.dragging);
          if (!change.dragging && change.position) ended.set(change.id, change.position);
        }
      }
      setNodes((current) => {
        const next = applyNodeChanges(kept, current);
        if (ended.size > 0) {
          // Moves of a multi-selection end together; take every moved node's final place.
          for (const node of next) if (node.selected && !ended.has(node.id)) ended.set(node.id, node.position);
        }
        return next;
      });
      if (ended.size > 0) {
        dragging.current = false;
        edit((g) => {
          const moved = new Map([...ended].filter(([id, to]) => {
            const node = g.nodes.find((candidate) => candidate.id === id);
            return node && (Math.round(to.x) !== node.position.x || Math.round(to.y) !== node.position.y);
          }));
          return moved.size > 0 ? moveNodes(g, moved) : g;
        });
      }
    },
    [edit],
  );

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    setEdges((current) => applyEdgeChanges(changes.filter((change) => change.type !== "remove"), current));
  }, []);

  const onDelete = useCallback(
    ({ nodes: goneNodes, edges: goneEdges }: { nodes: EditorNode[]; edges: Edge[] }) => {
      edit((g) => removeEdges(removeNodes(g, goneNodes.map((node) => node.id)), goneEdges.map((edge) => edge.id)));
    },
    [edit],
  );

  // --- connections -------------------------------------------------------------
  const graphRef = useRef(graph);
  graphRef.current = graph;

  const isValidConnection: IsValidConnection = useCallback(
    (connection) => {
      const pair = requestFromHandles(
        { node: connection.source, handle: connection.sourceHandle },
        { node: connection.target, handle: connection.targetHandle },
      );
      return "request" in pair && connectionProblem(graphRef.current, typeMap, pair.request) === null;
    },
    [typeMap],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      const pair = requestFromHandles(
        { node: connection.source, handle: connection.sourceHandle },
        { node: connection.target, handle: connection.targetHandle },
      );
      if ("reason" in pair) {
        setNotice({ kind: "error", text: pair.reason });
        return;
      }
      const result = connect(graphRef.current, typeMap, pair.request);
      if (result.ok) {
        dispatch({ kind: "commit", graph: result.graph });
        setNotice(null);
      } else setNotice({ kind: "error", text: result.reason });
    },
    [typeMap],
  );

  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      // A refused connection: React Flow drops it silently, the editor says why.
      if (state.isValid || !state.fromHandle || !state.toHandle) return;
      const pair = requestFromHandles(
        { node: state.fromHandle.nodeId, handle: state.fromHandle.id },
        { node: state.toHandle.nodeId, handle: state.toHandle.id },
      );
      const reason = "reason" in pair ? pair.reason : connectionProblem(graphRef.current, typeMap, pair.request);
      if (reason) setNotice({ kind: "error", text: `Connection refused. ${reason}` });
    },
    [typeMap],
  );

  // --- adding nodes: drag from the palette (onto the canvas or a connection) ---
  const addOfType = useCallback(
    (type: NodeType, at: { x: number; y: number }, onto: GraphEdge | undefined) => {
      const current = graphRef.current;
      const node = newNode(current, type, { x: at.x - NODE_WIDTH / 2, y: at.y - NODE_HEIGHT / 2 });
      pendingSelection.current = new Set([node.id]);
      if (onto) {
        const result = spliceOntoEdge(current, typeMap, onto, node);
        if (result.ok) {
          dispatch({ kind: "commit", graph: result.graph });
          setNotice({ kind: "info", text: `${type.label} inserted between ${onto.source} and ${onto.target}.` });
          return;
        }
        setNotice({ kind: "error", text: result.reason });
      }
      dispatch({ kind: "commit", graph: addNode(current, node) });
    },
    [typeMap],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      event.preventDefault();
      const key = event.dataTransfer.getData(DRAG_MIME) || event.dataTransfer.getData("text/plain");
      const type = typeMap.get(key);
      if (!type) return;
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const edgeElement = document
        .elementsFromPoint(event.clientX, event.clientY)
        .map((element) => element.closest(".react-flow__edge"))
        .find((element): element is Element => element !== null);
      const edgeId = edgeElement?.getAttribute("data-id");
      const onto = edgeId ? graphRef.current.edges.find((edge) => edgeKey(edge) === edgeId) : undefined;
      addOfType(type, at, onto);
    },
    [typeMap, flow, addOfType],
  );

  const addFromKeyboard = useCallback(
    (type: NodeType) => {
      const box = document.querySelector(".editor-canvas")?.getBoundingClientRect();
      const centre = box ? { x: box.left + box.width / 2, y: box.top + box.height / 2 } : { x: 400, y: 300 };
      addOfType(type, flow.screenToFlowPosition(centre), undefined);
    },
    [flow, addOfType],
  );

  // --- keyboard: undo/redo, copy/paste/duplicate -----------------------------------
  const selectedRef = useRef(selectedIds);
  selectedRef.current = selectedIds;

  /** The part of the canvas on screen, in flow coordinates. */
  const visibleArea = useCallback((): Rect | null => {
    const box = document.querySelector(".editor-canvas")?.getBoundingClientRect();
    if (!box || box.width === 0 || box.height === 0) return null;
    const from = flow.screenToFlowPosition({ x: box.left, y: box.top });
    const to = flow.screenToFlowPosition({ x: box.right, y: box.bottom });
    return { x: from.x, y: from.y, width: to.x - from.x, height: to.y - from.y };
  }, [flow]);

  const pasteNodes = useCallback(
    (source: { nodes: GraphNode[]; edges: GraphEdge[] }) => {
      if (source.nodes.length === 0) return;
      const copies = cloneNodes(graphRef.current, source.nodes, source.edges, { x: 40, y: 40 });
      const placed = placeInView(copies.nodes, visibleArea());
      pendingSelection.current = new Set(placed.map((node) => node.id));
      dispatch({ kind: "commit", graph: addNodesAndEdges(graphRef.current, placed, copies.edges) });
    },
    [visibleArea],
  );

  const copySelection = useCallback(() => {
    const ids = new Set(selectedRef.current);
    const current = graphRef.current;
    return {
      nodes: current.nodes.filter((node) => ids.has(node.id)),
      edges: current.edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target)),
    };
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isEditable(event.target)) return;
      const mod = event.ctrlKey || event.metaKey;
      if (!mod) return;
      const key = event.key.toLowerCase();
      if (key === "z" && !event.shiftKey) dispatch({ kind: "undo" });
      else if ((key === "z" && event.shiftKey) || key === "y") dispatch({ kind: "redo" });
      else if (key === "c") copyNodes(copySelection());
      else if (key === "v") pasteNodes(copiedNodes() ?? { nodes: [], edges: [] });
      else if (key === "d") pasteNodes(copySelection());
      else return;
      event.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [copySelection, pasteNodes]);

  // --- toolbar actions ---------------------------------------------------------------
  const layoutAll = () => {
    edit((g) => moveNodes(g, autoLayout(g)));
    fitPending.current = true;
  };

  const save = async (): Promise<number | null> => {
    setSaving(true);
    setSettingsErrors({});
    try {
      const body = { ...settings, graph };
      const job = jobId === null ? await createJob(body) : await updateJob(jobId, body);
      setSaved(fingerprint(graph, settings));
      setNotice({ kind: "info", text: `Saved version ${job.version}${problems.length ? ` (with ${problems.length} problems: it cannot run until they are fixed)` : ""}.` });
      setVersions(await listVersions(job.id));
      if (jobId === null) {
        created.current = job.id;
        // Saved: the job's own address is no leaving (the guard has not seen the save yet).
        guard.allowNextNavigation();
        navigate(`/jobs/${job.id}`, { replace: true });
      }
      return job.id;
    } catch (error) {
      if (error instanceof ApiError && Object.keys(error.fieldErrors).length > 0) {
        setSettingsErrors(error.fieldErrors);
        setTab("settings");
      }
      setNotice({ kind: "error", text: `Not saved: ${error instanceof Error ? error.message : String(error)}` });
      return null;
    } finally {
      setSaving(false);
    }
  };

  const runJob = async () => {
    const id = dirty || jobId === null ? await save() : jobId;
    if (id === null) return;
    try {
      const started = await startRun(id);
      setRunId(started.id);
      setTab("run");
      setNotice({ kind: "info", text: `Run ${started.id} started.` });
    } catch (error) {
      const list: Problem[] = problemsOf(error);
      setNotice({ kind: "error", text: `The run was refused: ${list.map((p) => (p.node ? `${p.node}: ${p.message}` : p.message)).join("; ")}` });
    }
  };

  const importFile = async (file: File) => {
    try {
      const text = await file.text();
      const imported = parseGraph(text);
      dispatch({ kind: "commit", graph: imported });
      const wrapper = JSON.parse(text) as Partial<JobSettings> & { graph?: unknown };
      if (wrapper.graph && typeof wrapper.name === "string" && jobId === null) setSettings(settingsOf(wrapper));
      setNotice({ kind: "info", text: `Imported ${imported.nodes.length} nodes from ${file.name}.` });
      fitPending.current = true;
    } catch (error) {
      setNotice({ kind: "error", text: error instanceof Error ? error.message : String(error) });
    }
  };

  const restore = (version: JobVersion) => {
    dispatch({ kind: "commit", graph: parseGraph(JSON.stringify(version.graph)) });
    setSettings(settingsOf(version));
    setNotice({ kind: "info", text: `Version ${version.number} is in the editor; save to make it the job's current version.` });
    fitPending.current = true; // its nodes may lie where the view is not
  };

  const selectNode = (id: string) => {
    setNodes((current) => current.map((node) => ({ ...node, selected: node.id === id })));
    const node = graph.nodes.find((candidate) => candidate.id === id);
    if (node) void flow.setCenter(node.position.x + NODE_WIDTH / 2, node.position.y + NODE_HEIGHT / 2, { zoom: flow.getZoom(), duration: 200 });
  };

  const tabs: [Tab, string][] = [
    ["preview", "Preview"],
    ["problems", `Problems (${problems.length})`],
    ["code", "Code"],
    ["settings", "Settings"],
    ["versions", "Versions"],
    ["run", run ? `Run ${run.id}: ${run.state}` : "Run"],
  ];

  return (
    <section className="editor" aria-labelledby="page-title">
      {guard.dialog}
      <div className="editor-toolbar">
        <Link to="/jobs" className="link-button">
          ← Jobs
        </Link>
        <h1 id="page-title" className="editor-title">
          {settings.name || "Untitled job"}
          {dirty && <span className="dirty-mark" title="unsaved changes"> •</span>}
        </h1>
        <div className="toolbar" role="toolbar" aria-label="Editor">
          <button type="button" onClick={() => dispatch({ kind: "undo" })} disabled={!canUndo(history)} title="Undo (Ctrl+Z)">
            Undo
          </button>
          <button type="button" onClick={() => dispatch({ kind: "redo" })} disabled={!canRedo(history)} title="Redo (Ctrl+Shift+Z)">
            Redo
          </button>
          <button type="button" onClick={layoutAll} disabled={graph.nodes.length === 0}>
            Auto layout
          </button>
          <ImportJsonButton testId="import-graph" onFile={(file) => void importFile(file)} />
          <button type="button" onClick={() => downloadText(`${settings.name || "job"}.json`, exportDocument({ ...settings, graph }))}>
            Export JSON
          </button>
          <button type="button" onClick={() => void save()} disabled={saving}>
            {saving ? "Saving…" : "Save"}
          </button>
          <button
            type="button"
            className="button-primary"
            onClick={() => void runJob()}
            disabled={saving || (run !== null && !FINAL_STATES.has(run.state))}
          >
            Run
          </button>
        </div>
      </div>
      {loadError && (
        <p className="banner banner-warning" role="alert">
          {loadError}
        </p>
      )}
      {notice && (
        <p className={notice.kind === "error" ? "editor-notice notice-error" : "editor-notice"} role={notice.kind === "error" ? "alert" : "status"} data-testid="editor-notice">
          {notice.text}
          <button type="button" className="link-button" aria-label="Dismiss" onClick={() => setNotice(null)}>
            ×
          </button>
        </p>
      )}
      <div className="editor-body">
        <Palette types={types} onAdd={addFromKeyboard} />
        <div className="editor-canvas" onDragOver={onDragOver} onDrop={onDrop} data-testid="editor-canvas">
          <ReactFlow<EditorNode>
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onDelete={onDelete}
            onConnect={onConnect}
            onConnectEnd={onConnectEnd}
            isValidConnection={isValidConnection}
            connectionMode={ConnectionMode.Loose}
            deleteKeyCode={["Delete", "Backspace"]}
            multiSelectionKeyCode={["Shift", "Meta", "Control"]}
            defaultViewport={{ x: 40, y: 40, zoom: 1 }}
            minZoom={0.1}
            proOptions={{ hideAttribution: true }}
          >
            <Background />
            <Controls />
            <MiniMap pannable zoomable nodeClassName={(node) => (node.type === NODE_KIND ? "minimap-node" : "")} />
          </ReactFlow>
          {graph.nodes.length === 0 && (
            <p className="editor-empty muted">Drag a source from the palette to start, or import a graph's JSON.</p>
          )}
        </div>
        <aside className="editor-side" aria-label="Selected node">
          {selectedNode ? (
            <NodePanel
              graph={graph}
              node={selectedNode}
              type={typeMap.get(selectedNode.type)}
              problems={grouped.get(selectedNode.id) ?? NO_PROBLEMS}
              schemas={answer.nodes}
              onChange={changeNode}
            />
          ) : (
            <p className="muted">{selectedIds.length > 1 ? `${selectedIds.length} nodes selected.` : "Select a node to edit its parameters."}</p>
          )}
        </aside>
      </div>
      <div className="editor-bottom">
        <div role="tablist" aria-label="Editor panels" className="tabs">
          {tabs.map(([key, label]) => (
            <button key={key} type="button" role="tab" aria-selected={tab === key} className={tab === key ? "tab active" : "tab"} onClick={() => setTab(key)}>
              {label}
            </button>
          ))}
        </div>
        <div role="tabpanel" className="tab-panel">
          {tab === "preview" && <PreviewGrid node={selectedNode?.id ?? null} preview={preview.preview} problems={preview.problems} loading={preview.loading} />}
          {tab === "problems" && <ProblemsList problems={problems} checking={checking} onSelect={selectNode} />}
          {tab === "code" && <CodeTab graph={graph} title={settings.name || "glueweb job"} />}
          {tab === "settings" && (
            <SettingsPanel
              settings={settings}
              onSettings={setSettings}
              parameters={graph.parameters}
              onParameters={(parameters) => edit((g) => ({ ...g, parameters }), "parameters")}
              errors={settingsErrors}
            />
          )}
          {tab === "versions" && <VersionsPanel versions={versions} current={graph} settings={settings} onRestore={restore} />}
          {tab === "run" && <RunPanel run={run} />}
        </div>
      </div>
    </section>
  );
}

function RunPanel({ run }: { run: ReturnType<typeof useLiveRun> }) {
  if (!run) return <p className="muted">Press Run to run the saved job; its nodes show their state live.</p>;
  return (
    <div data-testid="run-panel">
      <p>
        Run <Link to={`/runs/${run.id}`}>{run.id}</Link>: <strong data-testid="run-state">{run.state}</strong>
        {run.error && <span className="field-problems"> {run.error}</span>}
      </p>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">State</th>
            <th scope="col">Rows out</th>
            <th scope="col">Duration</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {[...run.nodes.entries()].map(([node, state]) => (
            <tr key={node}>
              <td>{node}</td>
              <td>{state.state}</td>
              <td>{state.rows_out ?? ""}</td>
              <td>{state.duration_ms != null ? `${state.duration_ms} ms` : ""}</td>
              <td>{state.error ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
