import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { jsonResponse } from "../test/fakes";
import type { Column, ConnectionType, Table, TableVersion, VersionDiff } from "./api";
import { ConnectionPage } from "./ConnectionPage";
import { connectionPayload, initialValues } from "./ConnectionForm";
import { DatabasePage } from "./DatabasePage";
import { StatisticsSection } from "./StatisticsSection";
import { TablePage } from "./TablePage";
import { fakeApi, page, renderAt } from "./testing";

const T = "/api/catalog/databases/shop/tables/orders/";
const TABLE_ROUTE = "/catalog/databases/:database/tables/:table";

function table(overrides: Partial<Table> = {}): Table {
  return {
    database: "shop",
    name: "orders",
    description: "",
    table_type: "EXTERNAL_TABLE",
    view_text: "",
    location: "/lake/orders",
    classification: "parquet",
    format_options: {},
    columns: [
      { name: "id", type: "bigint", comment: "order id" },
      { name: "total", type: "double", comment: "" },
    ],
    partition_keys: [{ name: "year", type: "int", comment: "" }],
    parameters: { record_count: 1200 },
    owner: "ada",
    deprecated: false,
    version: 2,
    created_at: null,
    updated_at: null,
    partition_count: 2,
    ...overrides,
  };
}

function version(number: number, columns: Column[]): TableVersion {
  return {
    version: number,
    table_type: "EXTERNAL_TABLE",
    columns,
    partition_keys: [],
    location: "/lake/orders",
    classification: "parquet",
    format_options: {},
    changed: number === 1 ? [] : ["columns"],
    changed_by: { kind: "user", id: 1, name: "ada" },
    created_at: null,
  };
}

/** Every GET the table page makes, with defaults; `extra` adds or replaces answers. */
function tableRoutes(extra: Record<string, Response | ((call: { body: unknown }) => Response)> = {}) {
  const v1 = version(1, [
    { name: "id", type: "int", comment: "" },
    { name: "legacy", type: "string", comment: "" },
  ]);
  const v2 = version(2, table().columns);
  const diff: VersionDiff = {
    from_version: 1,
    to_version: 2,
    columns: {
      added: [{ name: "total", type: "double", comment: "" }],
      removed: [{ name: "legacy", type: "string", comment: "" }],
      retyped: [{ name: "id", from: "int", to: "bigint" }],
      recommented: [],
      reordered: false,
    },
    partition_keys: { added: [], removed: [], retyped: [], recommented: [] },
    changed: {},
  };
  return {
    [`GET ${T}`]: jsonResponse(table()),
    [`GET ${T}partitions/?limit=50`]: page([
      { id: 1, values: ["2024"], location: "/lake/orders/year=2024", parameters: {}, created_at: null, updated_at: null },
      { id: 2, values: ["2025"], location: "/lake/orders/year=2025", parameters: {}, created_at: null, updated_at: null },
    ]),
    [`GET ${T}versions/?limit=20`]: page([v2, v1]),
    [`GET ${T}versions/1/`]: jsonResponse(v1),
    [`GET ${T}versions/2/`]: jsonResponse(v2),
    [`GET ${T}versions/diff/?from=1&to=2`]: jsonResponse(diff),
    [`GET ${T}statistics/`]: jsonResponse({ results: [] }),
    [`GET ${T}preview/?limit=50`]: jsonResponse({
      columns: [
        { name: "id", type: "bigint", comment: "" },
        { name: "total", type: "double", comment: "" },
      ],
      rows: [
        [1, 9.5],
        [2, null],
      ],
      row_count: 2,
    }),
    ...extra,
  };
}

describe("the database page", () => {
  it("lists a page of tables, loads the next with the cursor, and filters by prefix", async () => {
    const orders = table();
    const { calls } = fakeApi({
      "GET /api/catalog/databases/shop/": jsonResponse({ name: "shop", description: "", location_uri: "", parameters: {}, table_count: 3 }),
      "GET /api/catalog/databases/shop/tables/?limit=50": page([orders, table({ name: "payments", parameters: {} })], "c1"),
      "GET /api/catalog/databases/shop/tables/?limit=50&cursor=c1": page([table({ name: "refunds", parameters: {} })]),
      "GET /api/catalog/databases/shop/tables/?prefix=ref&limit=50": page([table({ name: "refunds" })]),
    });
    renderAt("/catalog/databases/shop", "/catalog/databases/:database", <DatabasePage />);

    const list = await screen.findByTestId("table-list");
    expect(within(list).getAllByRole("row")).toHaveLength(3);
    expect(within(list).getByText("1,200")).toBeTruthy();
    await userEvent.click(screen.getByTestId("table-list-more"));
    expect(await within(list).findByText("refunds")).toBeTruthy();
    expect(within(list).getAllByRole("row")).toHaveLength(4);
    expect(screen.queryByTestId("table-list-more")).toBeNull();

    await userEvent.type(screen.getByTestId("table-filter"), "Ref");
    await waitFor(() => expect(within(screen.getByTestId("table-list")).getAllByRole("row")).toHaveLength(2));
    expect(screen.getByTestId("table-list").querySelector("tbody tr")?.getAttribute("data-table")).toBe("refunds");
    // The box is debounced: one request for the settled text, not one per key.
    expect(calls.filter((c) => c.url.includes("prefix=")).map((c) => c.url)).toEqual([
      "/api/catalog/databases/shop/tables/?prefix=ref&limit=50",
    ]);
  });
});

describe("the table page", () => {
  it("shows the schema with types and comments, and the partition keys", async () => {
    fakeApi(tableRoutes());
    renderAt("/catalog/databases/shop/tables/orders", TABLE_ROUTE, <TablePage />);
    const schema = await screen.findByTestId("schema-columns");
    const id = schema.querySelector('tr[data-column="id"]');
    expect(id?.textContent).toContain("bigint");
    expect(id?.textContent).toContain("order id");
    expect(screen.getByTestId("schema-partition-keys").textContent).toContain("year");
  });

  it("shows the API's message next to the partition filter when the expression is bad", async () => {
    fakeApi(
      tableRoutes({
        [`GET ${T}partitions/?filter=yeer+%3D+1&limit=50`]: jsonResponse(
          { filter: 'unknown partition key "yeer" (keys: year) at position 0' },
          400,
        ),
        [`GET ${T}partitions/?filter=year+%3E%3D+2025&limit=50`]: page([
          { id: 2, values: ["2025"], location: "x", parameters: {}, created_at: null, updated_at: null },
        ]),
      }),
    );
    renderAt("/catalog/databases/shop/tables/orders", TABLE_ROUTE, <TablePage />);
    expect(await screen.findAllByTestId("partition-row")).toHaveLength(2);

    await userEvent.type(screen.getByTestId("partition-filter"), "yeer = 1");
    await userEvent.click(screen.getByTestId("partition-filter-apply"));
    expect((await screen.findByTestId("partition-filter-error")).textContent).toBe(
      'unknown partition key "yeer" (keys: year) at position 0',
    );
    expect(screen.getByTestId("partition-filter").getAttribute("aria-invalid")).toBe("true");
    expect(screen.queryAllByTestId("partition-row")).toHaveLength(0);

    await userEvent.clear(screen.getByTestId("partition-filter"));
    await userEvent.type(screen.getByTestId("partition-filter"), "year >= 2025");
    await userEvent.click(screen.getByTestId("partition-filter-apply"));
    expect(await screen.findAllByTestId("partition-row")).toHaveLength(1);
    expect(screen.queryByTestId("partition-filter-error")).toBeNull();
  });

  it("diffs two versions side by side, marking added, removed and retyped columns", async () => {
    fakeApi(tableRoutes());
    renderAt("/catalog/databases/shop/tables/orders", TABLE_ROUTE, <TablePage />);
    await screen.findByTestId("version-list");
    await userEvent.click(screen.getByTestId("diff-show"));

    const diff = await screen.findByTestId("version-diff");
    expect(within(diff).getByTestId("diff-summary").textContent).toContain("1 added, 1 removed, 1 retyped (id: int → bigint)");
    const change = (side: string, column: string) =>
      within(diff).getByTestId(`diff-${side}`).querySelector(`tr[data-column="${column}"]`)?.getAttribute("data-change");
    expect(change("from", "legacy")).toBe("removed");
    expect(change("from", "id")).toBe("retyped");
    expect(change("to", "id")).toBe("retyped");
    expect(change("to", "total")).toBe("added");
  });

  it("does not ask for a preview of a table without a location", async () => {
    const { calls } = fakeApi(tableRoutes({ [`GET ${T}`]: jsonResponse(table({ location: "" })) }));
    renderAt("/catalog/databases/shop/tables/orders", TABLE_ROUTE, <TablePage />);
    expect(await screen.findByTestId("preview-unavailable")).toBeTruthy();
    expect(calls.some((c) => c.url.includes("/preview/"))).toBe(false);
  });

  it("shows the preview grid with each column's type in its header", async () => {
    fakeApi(tableRoutes());
    renderAt("/catalog/databases/shop/tables/orders", TABLE_ROUTE, <TablePage />);
    const grid = await screen.findByTestId("preview-grid");
    expect(grid.querySelector('th[data-column="total"]')?.textContent).toBe("totaldouble");
    const rows = within(grid).getAllByTestId("preview-row");
    expect(rows.map((r) => r.textContent)).toEqual(["19.5", "2null"]);
  });
});

describe("the statistics section", () => {
  it("lets an editor compute statistics, follows the run, then shows bars", async () => {
    let polls = 0;
    let computed = false;
    const stats = {
      column: "total",
      type: "double",
      partition: null,
      row_count: 4,
      null_count: 1,
      distinct_count: 3,
      min: "1",
      max: "9",
      avg_length: null,
      max_length: null,
      true_count: null,
      false_count: null,
      computed_at: null,
    };
    const run = (state: string) => ({ id: 7, state, partition: null, columns: [], error: "", requested_by: "ada", created_at: null, started_at: null, finished_at: null });
    const { calls } = fakeApi({
      [`GET ${T}statistics/`]: () => jsonResponse({ results: computed ? [stats] : [] }),
      [`POST ${T}statistics/compute/`]: jsonResponse(run("WAITING"), 202),
      [`GET ${T}statistics/runs/7/`]: () => {
        polls += 1;
        computed = polls >= 2;
        return jsonResponse(run(computed ? "SUCCEEDED" : "RUNNING"));
      },
    });
    renderAt("/t", "/t", <StatisticsSection table={table()} pollMs={5} />);
    expect(await screen.findByTestId("statistics-empty")).toBeTruthy();

    await userEvent.click(await screen.findByTestId("compute-statistics"));
    const row = await screen.findByText("total", { selector: "td" });
    const cells = row.closest("tr");
    expect(within(cells as HTMLElement).getByTestId("stat-nulls").textContent).toBe("1 (25%)");
    expect(within(cells as HTMLElement).getByTestId("stat-distinct").textContent).toBe("3 (75%)");
    expect(screen.getByTestId("statistics-run").getAttribute("data-state")).toBe("SUCCEEDED");
    expect(polls).toBe(2);
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(1);
  });

  it("gives a viewer no compute button", async () => {
    fakeApi({ [`GET ${T}statistics/`]: jsonResponse({ results: [] }) }, { view: true, edit: false });
    renderAt("/t", "/t", <StatisticsSection table={table()} />);
    expect((await screen.findByTestId("statistics-empty")).textContent).toBe("No statistics yet.");
    await act(async () => undefined);
    expect(screen.queryByTestId("compute-statistics")).toBeNull();
  });
});

const POSTGRES: ConnectionType = {
  connection_type: "postgresql",
  properties: [
    { name: "host", type: "string", required: true },
    { name: "port", type: "number", required: false },
    { name: "sslmode", type: "string", required: false },
  ],
  secrets: ["password"],
  defaults: { port: 5432 },
};

describe("connectionPayload", () => {
  it("sends numbers as numbers, leaves out blank optional properties and blank secrets", () => {
    const values = { ...initialValues([POSTGRES], null), name: " wh ", properties: { host: "db", port: "6543", sslmode: "" } };
    expect(connectionPayload(POSTGRES, values, true)).toEqual({
      name: "wh",
      connection_type: "postgresql",
      description: "",
      properties: { host: "db", port: 6543 },
    });
  });

  it("keeps a stored secret when left blank, replaces it when typed, removes it when asked", () => {
    const base = { ...initialValues([POSTGRES], null), properties: { host: "db" } };
    expect(connectionPayload(POSTGRES, base, false)).not.toHaveProperty("secrets");
    expect(connectionPayload(POSTGRES, { ...base, secrets: { password: "new" } }, false).secrets).toEqual({ password: "new" });
    expect(connectionPayload(POSTGRES, { ...base, removeSecrets: ["password"] }, false).secrets).toEqual({ password: null });
    expect(connectionPayload(POSTGRES, { ...base, properties: { host: "db", port: "x1" } }, false).properties).toEqual({
      host: "db",
      port: "x1",
    });
  });
});

describe("the connection page", () => {
  const stored = {
    name: "wh",
    connection_type: "postgresql",
    description: "",
    properties: { host: "db", port: 5432 },
    secrets_set: ["password"],
    created_at: null,
    updated_at: null,
  };

  it("never shows a stored secret and shows the API's field errors next to their fields", async () => {
    const { calls } = fakeApi({
      "GET /api/catalog/connection-types/": jsonResponse({ results: [POSTGRES] }),
      "GET /api/catalog/connections/wh/": jsonResponse(stored),
      "PATCH /api/catalog/connections/wh/": jsonResponse({ "properties.port": ["must be a number"] }, 400),
    });
    renderAt("/catalog/connections/wh", "/catalog/connections/:name", <ConnectionPage />);
    const secret = (await screen.findByTestId("secret-password")) as HTMLInputElement;
    expect(secret.value).toBe("");
    expect(secret.type).toBe("password");
    expect(secret.placeholder).toMatch(/leave blank to keep/);

    await userEvent.clear(screen.getByTestId("property-port"));
    await userEvent.type(screen.getByTestId("property-port"), "abc");
    await userEvent.click(screen.getByTestId("connection-save"));
    expect((await screen.findByTestId("field-error-properties.port")).textContent).toBe("must be a number");
    expect(screen.getByTestId("property-port").getAttribute("aria-invalid")).toBe("true");
    const patch = calls.find((c) => c.method === "PATCH");
    expect(patch?.body).toEqual({ description: "", properties: { host: "db", port: "abc" } });
  });

  it("creates a connection, and shows an error for a field it has no input for above the button", async () => {
    const { calls } = fakeApi({
      "GET /api/catalog/connection-types/": jsonResponse({ results: [POSTGRES] }),
      "POST /api/catalog/connections/": jsonResponse({ properties: ["must be a JSON object"] }, 400),
    });
    renderAt("/catalog/connections/new", "/catalog/connections/new", <ConnectionPage />);
    await userEvent.type(await screen.findByTestId("connection-name"), "wh");
    await userEvent.type(screen.getByTestId("property-host"), "db");
    await userEvent.type(screen.getByTestId("secret-password"), "pw");
    await userEvent.click(screen.getByTestId("connection-save"));
    expect((await screen.findByTestId("connection-form-error")).textContent).toBe("properties: must be a JSON object");
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({
      name: "wh",
      connection_type: "postgresql",
      description: "",
      properties: { host: "db", port: 5432 },
      secrets: { password: "pw" },
    });
  });

  it("tests the connection and shows what the server answered", async () => {
    fakeApi({
      "GET /api/catalog/connection-types/": jsonResponse({ results: [POSTGRES] }),
      "GET /api/catalog/connections/wh/": jsonResponse(stored),
      "POST /api/catalog/connections/wh/test/": jsonResponse({ ok: false, message: "connection refused" }),
    });
    renderAt("/catalog/connections/wh", "/catalog/connections/:name", <ConnectionPage />);
    await userEvent.click(await screen.findByTestId("connection-test"));
    const result = await screen.findByTestId("connection-test-result");
    expect(result.textContent).toBe("Failed: connection refused");
    expect(result.getAttribute("data-ok")).toBe("false");
  });

  it("shows a viewer the settings read-only, without secrets inputs or actions", async () => {
    fakeApi(
      {
        "GET /api/catalog/connection-types/": jsonResponse({ results: [POSTGRES] }),
        "GET /api/catalog/connections/wh/": jsonResponse(stored),
      },
      { view: true, edit: false },
    );
    renderAt("/catalog/connections/wh", "/catalog/connections/:name", <ConnectionPage />);
    expect(((await screen.findByTestId("property-host")) as HTMLInputElement).disabled).toBe(true);
    for (const id of ["secret-password", "connection-save", "connection-test", "connection-delete"]) {
      expect(screen.queryByTestId(id)).toBeNull();
    }
    expect(screen.getByTestId("connection-secrets-set").textContent).toBe("Secrets set: password");
  });
});
