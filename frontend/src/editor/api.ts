/** The engine's design-time endpoints (jobs/api/graphs.py): node types, schemas and problems, previews, code. */
import { ApiError, apiGet, apiPost } from "../api/client";
import type { GraphDocument, NodeType, PreviewAnswer, Problem, SchemaAnswer } from "./types";

export function fetchNodeTypes(signal?: AbortSignal): Promise<NodeType[]> {
  return apiGet<NodeType[]>("/api/node-types/", { signal });
}

/** Output schemas of every node the engine could work out, and every problem of the graph. */
export function fetchSchemas(graph: GraphDocument, signal?: AbortSignal): Promise<SchemaAnswer> {
  return apiPost<SchemaAnswer>("/api/graphs/schema/", graph, { signal });
}

export function fetchPreview(graph: GraphDocument, node: string, signal?: AbortSignal, port?: string): Promise<PreviewAnswer> {
  return apiPost<PreviewAnswer>("/api/graphs/preview/", { graph, node, ...(port ? { port } : {}), limit: 50 }, { signal });
}

export function exportScript(graph: GraphDocument, title: string, signal?: AbortSignal): Promise<{ filename: string; script: string }> {
  return apiPost<{ filename: string; script: string }>("/api/graphs/export/", { graph, title }, { signal });
}

/** The problem list a 400 of the graph endpoints carries (`{"errors": [...]}`), or one made of the message. */
export function problemsOf(error: unknown): Problem[] {
  if (error instanceof ApiError) {
    const body = error.body as { errors?: unknown } | undefined;
    if (body && Array.isArray(body.errors)) return body.errors as Problem[];
    return [{ node: null, field: "", message: error.message }];
  }
  return [{ node: null, field: "", message: error instanceof Error ? error.message : String(error) }];
}
