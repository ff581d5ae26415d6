import { fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { SchemaForm, type FormContext } from "./SchemaForm";
import type { Column, JsonSchema, Problem } from "./types";

const INPUT: Column[] = [
  { name: "order_id", type: "bigint" },
  { name: "currency", type: "string" },
  { name: "total", type: "double" },
];

const AGGREGATE: JsonSchema = {
  type: "object",
  properties: {
    group_by: { type: "array", items: { type: "string", minLength: 1 }, default: [], "x-glueweb": "columns" },
    aggregations: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        properties: {
          function: { enum: ["count", "sum", "mean"] },
          column: { type: "string", minLength: 1, "x-glueweb": "column" },
          quantile: { type: "number", minimum: 0, maximum: 1 },
          alias: { type: "string", minLength: 1 },
        },
        required: ["function"],
      },
    },
  },
  required: ["aggregations"],
};

/** The form with its value held as the editor holds it; `latest` is what it last reported. */
function Harness({
  schema,
  initial = {},
  columns = INPUT,
  problems = [],
  report,
}: {
  schema: JsonSchema;
  initial?: Record<string, unknown>;
  columns?: Column[] | undefined;
  problems?: Problem[];
  report: (value: Record<string, unknown>) => void;
}) {
  const [value, setValue] = useState(initial);
  const context: FormContext = {
    firstInput: "in",
    columnsOf: (port) => (port === "in" ? columns : undefined),
    problems,
    idPrefix: "t",
  };
  return (
    <SchemaForm
      schema={schema}
      value={value}
      onChange={(next) => {
        setValue(next);
        report(next);
      }}
      context={context}
    />
  );
}

function renderForm(props: Omit<Parameters<typeof Harness>[0], "report">) {
  const seen: Record<string, unknown>[] = [];
  render(<Harness {...props} report={(value) => seen.push(value)} />);
  return { latest: () => seen.at(-1) };
}

describe("the JSON-Schema form", () => {
  it("offers the input's columns, with types, for a list of columns", async () => {
    const form = renderForm({ schema: AGGREGATE });
    const group = screen.getByRole("group", { name: "Group by" });
    const boxes = within(group).getAllByRole("checkbox");
    expect(boxes.map((box) => box.parentElement?.textContent)).toEqual(["order_id bigint", "currency string", "total double"]);
    await userEvent.click(within(group).getByRole("checkbox", { name: /total/ }));
    await userEvent.click(within(group).getByRole("checkbox", { name: /currency/ }));
    // In the input's order, whatever the order of clicks.
    expect(form.latest()).toEqual({ group_by: ["currency", "total"] });
  });

  it("edits a list of objects in place: add, fill with a column picker and a choice, remove", async () => {
    const form = renderForm({ schema: AGGREGATE });
    await userEvent.click(screen.getByRole("button", { name: "Add aggregations" }));
    expect(form.latest()).toEqual({ aggregations: [{}] });
    await userEvent.selectOptions(screen.getByLabelText("Function"), "sum");
    const column = screen.getByLabelText("Column") as HTMLSelectElement;
    expect([...column.options].map((option) => option.textContent)).toEqual([
      "(choose a column)",
      "order_id (bigint)",
      "currency (string)",
      "total (double)",
    ]);
    await userEvent.selectOptions(column, "total");
    await userEvent.type(screen.getByLabelText("Alias"), "revenue");
    expect(form.latest()).toEqual({ aggregations: [{ function: "sum", column: "total", alias: "revenue" }] });
    await userEvent.click(screen.getByRole("button", { name: "Add aggregations" }));
    expect((form.latest()?.aggregations as unknown[]).length).toBe(2);
    await userEvent.click(screen.getByRole("button", { name: "Remove aggregations 1" }));
    expect(form.latest()).toEqual({ aggregations: [{}] });
  });

  it("keeps a column that is no longer in the input visible, marked, rather than dropping it", () => {
    renderForm({ schema: AGGREGATE, initial: { aggregations: [{ function: "sum", column: "gone" }] } });
    expect((screen.getByLabelText("Column") as HTMLSelectElement).value).toBe("gone");
    expect(screen.getByRole("option", { name: "gone (not in the input)" })).toBeTruthy();
  });

  it("falls back to typed names when no input columns are known", async () => {
    const form = renderForm({ schema: AGGREGATE, columns: [] });
    await userEvent.type(screen.getByRole("textbox", { name: "Group by" }), "a, b");
    expect(form.latest()).toEqual({ group_by: ["a", "b"] });
  });

  it("shows an expression as code with the engine's problem under it, marked invalid", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: { condition: { type: "string", title: "Condition", "x-glueweb": "expression" } },
    };
    renderForm({
      schema,
      initial: { condition: "totl > 1" },
      problems: [
        { node: "f", field: "params.condition", message: 'unknown column "totl"; did you mean "total"?' },
        { node: "f", field: "params.other", message: "not this one" },
      ],
    });
    const field = screen.getByLabelText("Condition");
    expect(field.tagName).toBe("TEXTAREA");
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("field-problems").textContent).toBe('unknown column "totl"; did you mean "total"?');
    expect(screen.queryByText("not this one")).toBeNull();
  });

  it("offers one of two ways when the schema says one of them is required", async () => {
    const schema: JsonSchema = {
      type: "object",
      properties: {
        condition: { type: "string", title: "Condition", "x-glueweb": "expression" },
        rules: { type: "object", properties: { combine: { enum: ["and", "or"], default: "and" } } },
      },
      oneOf: [{ required: ["condition"] }, { required: ["rules"] }],
    };
    const form = renderForm({ schema });
    expect(screen.getByLabelText("Condition")).toBeTruthy();
    expect(screen.queryByRole("group", { name: "Rules" })).toBeNull();
    await userEvent.click(screen.getByRole("radio", { name: "Use rules" }));
    expect(form.latest()).toEqual({ rules: {} });
    expect(screen.queryByLabelText("Condition")).toBeNull();
    expect(screen.getByLabelText("Combine")).toBeTruthy();
  });

  it("edits a mapping in place, with the input's columns suggested for its keys", async () => {
    const schema: JsonSchema = {
      type: "object",
      properties: { mapping: { type: "object", minProperties: 1, additionalProperties: { type: "string", minLength: 1 }, "x-glueweb": "column-keys" } },
      required: ["mapping"],
    };
    const form = renderForm({ schema, initial: { mapping: { total: "amount" } } });
    expect(document.querySelectorAll("datalist option")).toHaveLength(3);
    const key = screen.getByLabelText("Key 1");
    fireEvent.change(key, { target: { value: "currency" } });
    expect(form.latest()).toEqual({ mapping: { currency: "amount" } });
    await userEvent.click(screen.getByRole("button", { name: "Add entry" }));
    expect(Object.keys(form.latest()?.mapping as object)).toEqual(["currency", "key_2"]);
    await userEvent.click(screen.getAllByRole("button", { name: "Remove" })[0]!);
    expect(form.latest()).toEqual({ mapping: { key_2: "" } });
  });

  it("numbers, switches, choices with defaults, and nested objects", async () => {
    const schema: JsonSchema = {
      type: "object",
      properties: {
        n: { type: "integer", minimum: 0 },
        format: { enum: ["csv", "parquet"], title: "Format" },
        hive_partitioning: { type: "boolean", default: true },
        options: { type: "object", properties: { separator: { type: "string" } }, additionalProperties: false },
      },
      required: ["format"],
    };
    const form = renderForm({ schema });
    await userEvent.type(screen.getByLabelText("N"), "12");
    expect(form.latest()).toEqual({ n: 12 });
    await userEvent.clear(screen.getByLabelText("N"));
    expect(form.latest()).toEqual({});
    await userEvent.selectOptions(screen.getByLabelText("Format"), "parquet");
    expect(form.latest()).toEqual({ format: "parquet" });
    const hive = screen.getByLabelText("Hive partitioning") as HTMLInputElement;
    expect(hive.checked).toBe(true);
    await userEvent.click(hive);
    expect(form.latest()).toMatchObject({ hive_partitioning: false });
    const options = screen.getByRole("group", { name: "Options" });
    await userEvent.type(within(options).getByLabelText("Separator"), ";");
    expect(form.latest()).toMatchObject({ options: { separator: ";" } });
  });

  it("takes join keys from the matching side", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: {
        on: {
          type: "array",
          items: {
            type: "object",
            properties: {
              left: { type: "string", "x-glueweb": "column", "x-glueweb-port": "left" },
              right: { type: "string", "x-glueweb": "column", "x-glueweb-port": "right" },
            },
            required: ["left", "right"],
          },
        },
      },
    };
    const context: FormContext = {
      firstInput: "left",
      columnsOf: (port) => (port === "left" ? [{ name: "l_id", type: "bigint" }] : [{ name: "r_id", type: "bigint" }]),
      problems: [],
      idPrefix: "j",
    };
    render(<SchemaForm schema={schema} value={{ on: [{}] }} onChange={() => undefined} context={context} />);
    expect(within(screen.getByLabelText("Left")).getByRole("option", { name: "l_id (bigint)" })).toBeTruthy();
    expect(within(screen.getByLabelText("Right")).getByRole("option", { name: "r_id (bigint)" })).toBeTruthy();
    expect(within(screen.getByLabelText("Right")).queryByRole("option", { name: "l_id (bigint)" })).toBeNull();
  });

  it("makes a field a column picker because its schema marks it, whatever the field is called", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: {
        key_field: { type: "string", "x-glueweb": "column" },
        keys: { type: "array", items: { type: "string" }, "x-glueweb": "columns" },
        // Named like columns, but new names (regex_extract's outputs) or free text: no marker, no picker.
        column: { type: "string" },
        columns: { type: "array", items: { type: "string" } },
        // A marker on the wrong shape is ignored rather than drawn wrong.
        count: { type: "integer", "x-glueweb": "column" },
      },
    };
    renderForm({ schema });
    const picker = screen.getByLabelText("Key field") as HTMLSelectElement;
    expect(picker.tagName).toBe("SELECT");
    expect([...picker.options].map((option) => option.value)).toEqual(["", "order_id", "currency", "total"]);
    expect(within(screen.getByRole("group", { name: "Keys" })).getAllByRole("checkbox")).toHaveLength(3);
    expect(screen.getByLabelText("Column").tagName).toBe("INPUT");
    expect(screen.getByRole("textbox", { name: "Columns" })).toBeTruthy();
    expect((screen.getByLabelText("Count") as HTMLInputElement).type).toBe("number");
  });

  it("shows code only where the schema marks an expression or a query, not by a field's name", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: {
        rule: { type: "string", "x-glueweb": "expression" },
        statement: { type: "string", "x-glueweb": "sql" },
        condition: { type: "string" },
      },
    };
    renderForm({ schema });
    expect(screen.getByLabelText("Rule").tagName).toBe("TEXTAREA");
    expect(screen.getByLabelText("Statement").tagName).toBe("TEXTAREA");
    expect(screen.getByLabelText("Condition").tagName).toBe("INPUT");
  });

  it("takes columns from the port the marker names, even on a node without a first input", () => {
    const schema: JsonSchema = { type: "object", properties: { probe: { type: "string", "x-glueweb": "column", "x-glueweb-port": "lookup" } } };
    const ports: string[] = [];
    const context: FormContext = {
      firstInput: undefined,
      columnsOf: (port) => {
        ports.push(port);
        return [{ name: "code", type: "string" }];
      },
      problems: [],
      idPrefix: "p",
    };
    render(<SchemaForm schema={schema} value={{}} onChange={() => undefined} context={context} />);
    expect(ports).toContain("lookup");
    expect(within(screen.getByLabelText("Probe")).getByRole("option", { name: "code (string)" })).toBeTruthy();
  });
});
