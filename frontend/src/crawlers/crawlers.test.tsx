import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeApi } from "../catalog/testing";
import { LiveProvider } from "../live/LiveContext";
import { SessionProvider } from "../session";
import { FakeChannel, jsonResponse } from "../test/fakes";
import { crawlerPayload, initialValues, PayloadError, type Crawler, type RunDetail } from "./api";
import { CrawlersRoutes } from "./CrawlersRoutes";

const CRAWLER: Crawler = {
  name: "retail",
  description: "",
  targets: [{ path: "/lake/retail", connection: "" }],
  exclusions: [],
  database: "shop",
  table_prefix: "",
  classifiers: [],
  sample_size: 10,
  update_behavior: "UPDATE_IN_DATABASE",
  delete_behavior: "DEPRECATE_IN_DATABASE",
  recrawl_behavior: "CRAWL_EVERYTHING",
  combine_compatible_schemas: false,
  table_level: null,
  table_threshold: null,
  schedule: "",
  state: "READY",
  last_run: null,
};

const PREVIEW: RunDetail = {
  id: 7,
  crawler: "retail",
  dry_run: true,
  state: "SUCCEEDED",
  started_by: "ada",
  created_at: null,
  started_at: "2026-11-30T05:00:00+00:00",
  ended_at: null,
  files_total: 20,
  files_scanned: 20,
  files_skipped: 0,
  tables_created: 1,
  tables_updated: 1,
  tables_deprecated: 0,
  tables_deleted: 0,
  partitions_added: 18,
  partitions_removed: 0,
  error: "",
  changes: [
    {
      action: "create_table",
      table: "orders",
      decision: "apply",
      reason: "new table at /lake/retail/orders: all files below agree (parquet); 18 files",
      columns: [{ name: "order_id", type: "bigint" }],
      partition_keys: [{ name: "year", type: "bigint" }],
    },
    {
      action: "update_table",
      table: "customers",
      decision: "log",
      reason: "the files' columns differ, but the update behaviour is LOG",
      diff: {
        columns: { added: [{ name: "vip", type: "boolean" }], removed: [], retyped: [{ name: "id", from: "int", to: "bigint" }] },
        partition_keys: { added: [], removed: [], retyped: [] },
      },
    },
  ],
  tables: [],
  file_errors: [{ path: "/lake/retail/bad.parquet", error: "unclassified: the file is empty" }],
  log: [],
};

function renderAt(path: string) {
  const channels: FakeChannel[] = [];
  const open = () => {
    const channel = new FakeChannel();
    channels.push(channel);
    return channel;
  };
  render(
    <MemoryRouter initialEntries={[path]}>
      <LiveProvider open={open}>
        <SessionProvider>
          <Routes>
            <Route path="crawlers/*" element={<CrawlersRoutes />} />
          </Routes>
        </SessionProvider>
      </LiveProvider>
    </MemoryRouter>,
  );
  return { channels };
}

afterEach(() => vi.unstubAllGlobals());

describe("the crawler form's payload", () => {
  it("sends lists, numbers and nulls the API expects", () => {
    const values = {
      ...initialValues(null),
      name: " retail ",
      database: "shop",
      exclusions: "tmp/**\n\n*.bak ",
      table_threshold: "3",
      table_level: "",
      classifiers: '[{"kind": "csv", "delimiter": "~"}]',
    };
    values.targets = [{ path: "/lake/retail", connection: "" }, { path: " ", connection: "" }];
    const payload = crawlerPayload(values, true);
    expect(payload).toMatchObject({
      name: "retail",
      targets: [{ path: "/lake/retail", connection: "" }],
      exclusions: ["tmp/**", "*.bak"],
      table_threshold: 3,
      table_level: null,
      sample_size: 10,
      classifiers: [{ kind: "csv", delimiter: "~" }],
    });
    expect(crawlerPayload(values, false)).not.toHaveProperty("name");
  });

  it("refuses classifiers that are not JSON, naming the field", () => {
    expect(() => crawlerPayload({ ...initialValues(null), classifiers: "{oops" }, true)).toThrow(PayloadError);
  });
});

describe("the crawler pages", () => {
  it("lists crawlers with their last run", async () => {
    fakeApi({
      "GET /api/crawlers/": jsonResponse({
        results: [{ ...CRAWLER, last_run: { ...PREVIEW, dry_run: false, state: "FAILED" } }],
        count: 1,
      }),
    });
    renderAt("/crawlers");
    const row = (await screen.findByTestId("crawler-list")).querySelector('[data-crawler="retail"]') as HTMLElement;
    expect(within(row).getByRole("link", { name: "retail" }).getAttribute("href")).toBe("/crawlers/retail");
    expect(row.querySelector("[data-state]")?.getAttribute("data-state")).toBe("FAILED");
  });

  it("shows the field the API refused next to its input", async () => {
    const { calls } = fakeApi({
      "POST /api/crawlers/": jsonResponse({ "targets.0.path": ['path "/etc" is outside the data roots (/lake)'] }, 400),
    });
    renderAt("/crawlers/new");
    await userEvent.type(await screen.findByTestId("crawler-name"), "etc");
    await userEvent.type(screen.getByTestId("crawler-target-0"), "/etc");
    await userEvent.type(screen.getByTestId("crawler-database"), "sys");
    await userEvent.click(screen.getByTestId("crawler-save"));
    expect((await screen.findByTestId("error-targets")).textContent).toMatch(/targets\.0\.path: path "\/etc" is outside/);
    expect(calls.find((c) => c.method === "POST")?.body).toMatchObject({ name: "etc", targets: [{ path: "/etc", connection: "" }] });
  });

  it("previews a crawl's changes with reasons and a column diff once the worker's dry run ends", async () => {
    const waiting: RunDetail = { ...PREVIEW, state: "WAITING", changes: [], file_errors: [], started_at: null };
    let ended = false;
    fakeApi(
      {
        "GET /api/crawlers/retail/": jsonResponse(CRAWLER),
        "GET /api/crawlers/retail/runs/": jsonResponse({ results: [] }),
        "POST /api/crawlers/retail/dry-run/": jsonResponse(waiting, 202),
        "GET /api/crawlers/retail/runs/7/": () => jsonResponse(ended ? PREVIEW : { ...waiting, state: "RUNNING" }),
      },
      { view: true, edit: true, operate: true },
    );
    const { channels } = renderAt("/crawlers/retail");
    await userEvent.click(await screen.findByTestId("crawler-dry-run"));
    expect((await screen.findByTestId("crawler-preview-pending")).textContent).toMatch(/running: its plan appears here/);
    ended = true;
    act(() => {
      channels[0]?.emit({ type: "crawl.state", id: 3, crawl: 7, crawler: "retail", state: "SUCCEEDED" });
    });
    await waitFor(() => expect(screen.queryByTestId("crawler-preview-pending")).toBeNull());
    const preview = await screen.findByTestId("crawler-preview");
    const create = preview.querySelector('[data-action="create_table"]') as HTMLElement;
    expect(create.textContent).toMatch(/new table at \/lake\/retail\/orders/);
    expect(create.textContent).toMatch(/partitioned by year bigint/);
    const update = preview.querySelector('[data-action="update_table"]') as HTMLElement;
    expect(update.getAttribute("data-decision")).toBe("log");
    expect(within(update).getByTestId("column-diff").textContent).toMatch(/\+ vip boolean.*~ id int → bigint/);
    expect(within(preview).getByTestId("crawler-file-errors").textContent).toMatch(/bad\.parquet: unclassified/);

  });

  it("ends a preview whose worker died with its ERROR state and the reason", async () => {
    const waiting: RunDetail = { ...PREVIEW, state: "WAITING", changes: [], file_errors: [], started_at: null };
    const lost = "the worker alpha@host stopped sending heartbeats (last at 2026-11-30T05:00:02+00:00)";
    let ended = false;
    fakeApi(
      {
        "GET /api/crawlers/retail/": jsonResponse(CRAWLER),
        "GET /api/crawlers/retail/runs/": jsonResponse({ results: [] }),
        "POST /api/crawlers/retail/dry-run/": jsonResponse(waiting, 202),
        "GET /api/crawlers/retail/runs/7/": () =>
          jsonResponse(ended ? { ...waiting, state: "ERROR", error: lost } : { ...waiting, state: "RUNNING" }),
      },
      { view: true, edit: true, operate: true },
    );
    const { channels } = renderAt("/crawlers/retail");
    await userEvent.click(await screen.findByTestId("crawler-dry-run"));
    expect((await screen.findByTestId("crawler-preview-pending")).textContent).toMatch(/running/);
    ended = true;
    act(() => {
      channels[0]?.emit({ type: "crawl.state", id: 3, crawl: 7, crawler: "retail", state: "ERROR" });
    });
    await waitFor(() => expect(screen.queryByTestId("crawler-preview-pending")).toBeNull());
    expect((await screen.findByTestId("crawler-run-error")).textContent).toBe(lost);
    expect(screen.getByTestId("crawler-run-state").textContent).toMatch(/ERROR/i);
  });

  it("shows a running crawl's progress from its live events", async () => {
    fakeApi(
      {
        "GET /api/crawlers/retail/": jsonResponse({ ...CRAWLER, state: "RUNNING" }),
        "GET /api/crawlers/retail/runs/": jsonResponse({ results: [] }),
      },
      { view: true, operate: true },
    );
    const { channels } = renderAt("/crawlers/retail");
    expect(await screen.findByTestId("crawler-stop")).toBeTruthy();
    await waitFor(() => expect(channels.length).toBeGreaterThan(0));
    act(() => {
      channels[0]?.emit({ type: "crawl.progress", id: 1, crawl: 8, crawler: "other", scanned: 1, total: 2 });
    });
    expect(screen.queryByTestId("crawler-progress")).toBeNull();
    act(() => {
      channels[0]?.emit({ type: "crawl.progress", id: 2, crawl: 8, crawler: "retail", scanned: 5, total: 20 });
    });
    const progress = screen.getByTestId("crawler-progress");
    expect(progress.textContent).toMatch(/5 of 20 files/);
    expect(progress.querySelector("progress")?.getAttribute("value")).toBe("5");
  });
});
