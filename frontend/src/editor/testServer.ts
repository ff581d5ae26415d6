/** The editor's API for job 5 in Vitest: PATCH saves (recorded in `saved`) and answers with the next version. */
import { at, routeFetch, type Route } from "../runs/testData";
import { jsonResponse } from "../test/fakes";
import { TEST_JOB, TEST_TYPES } from "./testTypes";

export function serveEditor(): { saved: Record<string, unknown>[] } {
  const saved: Record<string, unknown>[] = [];
  const patch: Route = (url, init) => {
    if (url.pathname !== "/api/jobs/5/" || init?.method !== "PATCH") return undefined;
    saved.push(JSON.parse(String(init.body)));
    return jsonResponse({ ...TEST_JOB, ...saved.at(-1), version: 2 });
  };
  routeFetch(
    at("/api/me", { username: "ada", roles: ["editor"], capabilities: { view: true, edit: true } }),
    at("/api/node-types/", TEST_TYPES),
    patch,
    at("/api/jobs/5/", TEST_JOB),
    at("/api/jobs/5/versions/", []),
    at("/api/graphs/schema/", { nodes: {}, errors: [] }),
  );
  return { saved };
}
