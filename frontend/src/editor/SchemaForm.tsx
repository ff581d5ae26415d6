/**
 * A form drawn from a node type's JSON Schema: text, numbers, switches and
 * choices; lists and mappings edited in place; column pickers filled from the
 * node's input schema; expression fields whose problems (from the engine's
 * validation as the graph changes) show under them.
 */
import { useEffect, useState, type ReactNode } from "react";
import { columnPort, humanise, isExpression, problemField, type FieldPath } from "./fieldHints";
import type { Column, JsonSchema, Problem } from "./types";

export interface FormContext {
  /** The node's first input port, if it has inputs: a column marker without a port means this one. */
  firstInput: string | undefined;
  /** Columns arriving at an input port, when known. */
  columnsOf: (port: string) => Column[] | undefined;
  problems: readonly Problem[];
  idPrefix: string;
}

type Value = unknown;
type OnChange = (value: Value) => void;

function nonNull(schema: JsonSchema): JsonSchema {
  if (schema.anyOf) {
    const inner = schema.anyOf.find((option) => option.type !== "null");
    if (inner) return { ...inner, default: schema.default ?? inner.default, title: schema.title ?? inner.title };
  }
  return schema;
}

function fieldId(context: FormContext, path: FieldPath): string {
  return `${context.idPrefix}-${path.join("-")}`;
}

function FieldProblems({ context, path }: { context: FormContext; path: FieldPath }) {
  const field = problemField(path);
  const mine = context.problems.filter((problem) => problem.field === field);
  if (mine.length === 0) return null;
  return (
    <ul className="field-problems" data-testid="field-problems" id={`${fieldId(context, path)}-problems`}>
      {mine.map((problem, index) => (
        <li key={index}>{problem.message}</li>
      ))}
    </ul>
  );
}

function hasProblems(context: FormContext, path: FieldPath): boolean {
  const field = problemField(path);
  return context.problems.some((problem) => problem.field === field);
}

/** A text field that keeps what is being typed even while the value round-trips through the graph. */
function TextInput(props: {
  id: string;
  value: string;
  onChange: (text: string) => void;
  multiline?: boolean;
  invalid?: boolean;
  list?: string;
  placeholder?: string;
}) {
  const common = {
    id: props.id,
    value: props.value,
    "aria-invalid": props.invalid || undefined,
    "aria-describedby": props.invalid ? `${props.id}-problems` : undefined,
    placeholder: props.placeholder,
    spellCheck: false,
  };
  if (props.multiline) {
    return <textarea {...common} className="code-input" rows={3} onChange={(event) => props.onChange(event.target.value)} />;
  }
  return <input {...common} type="text" list={props.list} onChange={(event) => props.onChange(event.target.value)} />;
}

/** A JSON value without a type in the schema (e.g. a filter rule's value): edited as JSON text. */
function JsonInput({ id, value, onChange }: { id: string; value: Value; onChange: OnChange }) {
  const shown = value === undefined ? "" : JSON.stringify(value);
  const [text, setText] = useState(shown);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setText(shown), [shown]);
  return (
    <>
      <input
        id={id}
        type="text"
        className="code-input"
        value={text}
        aria-invalid={error ? true : undefined}
        onChange={(event) => setText(event.target.value)}
        onBlur={() => {
          if (text.trim() === "") {
            setError(null);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(text));
            setError(null);
          } catch {
            setError("Not valid JSON; write text in double quotes.");
          }
        }}
      />
      {error && <span className="field-problems">{error}</span>}
    </>
  );
}

/** A list of names typed as "a, b, c"; the text is kept while typing (a trailing comma is not lost). */
function CommaList({ id, value, invalid, onChange }: { id: string; value: string[]; invalid: boolean; onChange: OnChange }) {
  const [text, setText] = useState(value.join(", "));
  const parse = (raw: string) =>
    raw
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part !== "");
  const joined = value.join("\u0000");
  useEffect(() => {
    // Only a change from elsewhere (undo, another field) replaces what is being typed.
    setText((current) => (parse(current).join("\u0000") === joined ? current : joined.split("\u0000").filter(Boolean).join(", ")));
  }, [joined]);
  return (
    <TextInput
      id={id}
      value={text}
      placeholder="comma-separated"
      invalid={invalid}
      onChange={(next) => {
        setText(next);
        onChange(parse(next));
      }}
    />
  );
}

function ColumnChecklist({
  id,
  columns,
  value,
  onChange,
}: {
  id: string;
  columns: Column[];
  value: string[];
  onChange: (value: string[]) => void;
}) {
  const known = new Set(columns.map((column) => column.name));
  const extra = value.filter((name) => !known.has(name));
  const toggle = (name: string, on: boolean) => {
    const next = on ? [...value, name] : value.filter((item) => item !== name);
    // Keep the input's column order, so the choice reads as the table does.
    const order = new Map(columns.map((column, index) => [column.name, index]));
    onChange([...next].sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9)));
  };
  return (
    <div className="column-checklist" id={id} role="group">
      {[...columns, ...extra.map((name) => ({ name, type: "not in the input" }))].map((column) => (
        <label key={column.name} className="column-choice">
          <input type="checkbox" checked={value.includes(column.name)} onChange={(event) => toggle(column.name, event.target.checked)} />
          <span>{column.name}</span> <span className="muted">{column.type}</span>
        </label>
      ))}
    </div>
  );
}

function setKey(object: Record<string, Value>, key: string, value: Value): Record<string, Value> {
  const next = { ...object };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

function asObject(value: Value): Record<string, Value> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, Value>) : {};
}

function defaultFor(schema: JsonSchema): Value {
  const inner = nonNull(schema);
  if (inner.default !== undefined) return structuredClone(inner.default);
  if (inner.enum) return inner.enum[0];
  switch (inner.type) {
    case "object":
      return {};
    case "array":
      return [];
    case "boolean":
      return false;
    case "string":
      return "";
    default:
      return undefined;
  }
}

function ObjectFields({
  schema,
  path,
  value,
  onChange,
  context,
}: {
  schema: JsonSchema;
  path: FieldPath;
  value: Value;
  onChange: OnChange;
  context: FormContext;
}) {
  const object = asObject(value);
  const required = new Set(schema.required ?? []);
  // "One of these keys" (a filter's condition or its rules): a choice, then only the chosen key's field.
  const alternatives = (schema.oneOf ?? [])
    .map((option) => (option.required?.length === 1 ? option.required[0] : undefined))
    .filter((key): key is string => key !== undefined && key in (schema.properties ?? {}));
  const chosen = alternatives.find((key) => object[key] !== undefined) ?? alternatives[0];
  const hidden = new Set(alternatives.filter((key) => key !== chosen));
  if (chosen) required.add(chosen);
  return (
    <>
      {alternatives.length > 1 && (
        <div className="form-field" role="radiogroup" aria-label="Define by">
          {alternatives.map((key) => (
            <label key={key} className="column-choice">
              <input
                type="radio"
                name={`${fieldId(context, path)}-choice`}
                checked={key === chosen}
                onChange={() => {
                  const next = { ...object };
                  for (const other of alternatives) delete next[other];
                  const childSchema = schema.properties?.[key];
                  onChange({ ...next, [key]: childSchema ? defaultFor(childSchema) : undefined });
                }}
              />{" "}
              Use {(schema.properties?.[key]?.title ?? humanise(key)).toLowerCase()}
            </label>
          ))}
        </div>
      )}
      {Object.entries(schema.properties ?? {}).filter(([key]) => !hidden.has(key)).map(([key, child]) => (
        <Field
          key={key}
          name={key}
          schema={child}
          path={[...path, key]}
          value={object[key]}
          required={required.has(key)}
          onChange={(next) => onChange(setKey(object, key, next))}
          context={context}
        />
      ))}
    </>
  );
}

function MappingEditor({
  id,
  schema,
  path,
  value,
  onChange,
  context,
  columns,
}: {
  id: string;
  schema: JsonSchema;
  path: FieldPath;
  value: Value;
  onChange: OnChange;
  context: FormContext;
  columns: Column[] | undefined;
}) {
  const entries = Object.entries(asObject(value));
  const valueSchema = typeof schema.additionalProperties === "object" ? schema.additionalProperties : { type: "string" };
  const listId = columns ? `${id}-columns` : undefined;
  const rebuild = (rows: [string, Value][]) => onChange(Object.fromEntries(rows));
  return (
    <div className="mapping-editor" id={id}>
      {columns && (
        <datalist id={listId}>
          {columns.map((column) => (
            <option key={column.name} value={column.name} />
          ))}
        </datalist>
      )}
      {entries.map(([key, item], index) => (
        <div className="mapping-row" key={index}>
          <input
            type="text"
            aria-label={`Key ${index + 1}`}
            value={key}
            list={listId}
            onChange={(event) => rebuild(entries.map((entry, i) => (i === index ? [event.target.value, entry[1]] : entry)))}
          />
          <span aria-hidden="true">→</span>
          <Field
            name={`value ${index + 1}`}
            schema={valueSchema}
            path={[...path, key]}
            value={item}
            required
            onChange={(next) => rebuild(entries.map((entry, i) => (i === index ? [entry[0], next] : entry)))}
            context={context}
            bare
          />
          <button type="button" className="button-small" onClick={() => rebuild(entries.filter((_, i) => i !== index))}>
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="button-small"
        onClick={() => rebuild([...entries, [nextFreeKey(entries.map(([key]) => key)), defaultFor(valueSchema) ?? ""]])}
      >
        Add entry
      </button>
    </div>
  );
}

function nextFreeKey(keys: string[]): string {
  let n = keys.length + 1;
  while (keys.includes(`key_${n}`)) n++;
  return `key_${n}`;
}

function ListEditor({
  id,
  name,
  schema,
  path,
  value,
  onChange,
  context,
}: {
  id: string;
  name: string;
  schema: JsonSchema;
  path: FieldPath;
  value: Value;
  onChange: OnChange;
  context: FormContext;
}) {
  const items = Array.isArray(value) ? value : [];
  const itemSchema = schema.items ?? {};
  const title = schema.title ?? humanise(name);
  return (
    <div className="list-editor" id={id}>
      {items.map((item, index) => (
        <fieldset className="list-item" key={index}>
          <legend>
            {title} {index + 1}
          </legend>
          <Field
            name={`${name} ${index + 1}`}
            schema={itemSchema}
            path={[...path, index]}
            value={item}
            required
            onChange={(next) => onChange(items.map((old, i) => (i === index ? next : old)))}
            context={context}
            bare={nonNull(itemSchema).type === "object"}
          />
          <button
            type="button"
            className="button-small"
            aria-label={`Remove ${title.toLowerCase()} ${index + 1}`}
            onClick={() => onChange(items.filter((_, i) => i !== index))}
          >
            Remove
          </button>
        </fieldset>
      ))}
      <button type="button" className="button-small" onClick={() => onChange([...items, defaultFor(itemSchema)])}>
        Add {title.toLowerCase()}
      </button>
    </div>
  );
}

export function Field({
  name,
  schema: rawSchema,
  path,
  value,
  required,
  onChange,
  context,
  bare = false,
}: {
  name: string;
  schema: JsonSchema;
  path: FieldPath;
  value: Value;
  required: boolean;
  onChange: OnChange;
  context: FormContext;
  /** No label of its own: the caller labels it (list items, mapping values). */
  bare?: boolean;
}) {
  const schema = nonNull(rawSchema);
  const id = fieldId(context, path);
  const label = schema.title ?? humanise(name);
  const invalid = hasProblems(context, path);
  // Only a field whose schema marks it as naming columns gets them (fieldHints.ts).
  const port = columnPort(schema, context.firstInput);
  const columns = port ? context.columnsOf(port) : undefined;
  let control: ReactNode;
  let wide = false;
  // Controls made of several inputs are labelled as a group; single ones by <label for>.
  let grouped = false;

  if (schema.enum) {
    control = (
      <select
        id={id}
        value={value === undefined ? "" : String(value)}
        aria-invalid={invalid || undefined}
        onChange={(event) => {
          const chosen = schema.enum?.find((option) => String(option) === event.target.value);
          onChange(event.target.value === "" ? undefined : chosen);
        }}
      >
        {(!required || value === undefined) && <option value="">{schema.default !== undefined ? `(default: ${String(schema.default)})` : "(not set)"}</option>}
        {schema.enum.map((option) => (
          <option key={String(option)} value={String(option)}>
            {String(option)}
          </option>
        ))}
      </select>
    );
  } else if (schema.type === "boolean") {
    const checked = typeof value === "boolean" ? value : Boolean(schema.default);
    return (
      <div className="form-field form-field-check">
        <label htmlFor={id}>
          <input id={id} type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} /> {label}
        </label>
        <FieldProblems context={context} path={path} />
      </div>
    );
  } else if (schema.type === "integer" || schema.type === "number") {
    control = (
      <input
        id={id}
        type={typeof value === "string" ? "text" : "number"}
        step={schema.type === "integer" ? 1 : "any"}
        min={schema.minimum}
        max={schema.maximum}
        value={value === undefined || value === null ? "" : String(value)}
        placeholder={schema.default !== undefined ? String(schema.default) : undefined}
        aria-invalid={invalid || undefined}
        onChange={(event) => {
          const text = event.target.value;
          if (text === "") onChange(undefined);
          else if (text.includes("${")) onChange(text);
          else onChange(schema.type === "integer" ? Number.parseInt(text, 10) : Number(text));
        }}
      />
    );
  } else if (schema.type === "string") {
    const text = typeof value === "string" ? value : "";
    if (columns && columns.length > 0) {
      const listed = columns.some((column) => column.name === text);
      control = (
        <select id={id} value={text} aria-invalid={invalid || undefined} onChange={(event) => onChange(event.target.value || undefined)}>
          <option value="">(choose a column)</option>
          {!listed && text && <option value={text}>{text} (not in the input)</option>}
          {columns.map((column) => (
            <option key={column.name} value={column.name}>
              {column.name} ({column.type})
            </option>
          ))}
        </select>
      );
    } else {
      const expression = isExpression(schema);
      wide = expression;
      control = (
        <TextInput
          id={id}
          value={text}
          multiline={expression}
          invalid={invalid}
          placeholder={schema.default !== undefined ? String(schema.default) : undefined}
          onChange={(next) => onChange(next === "" && !required ? undefined : next)}
        />
      );
    }
  } else if (schema.type === "array") {
    wide = true;
    if (columns && columns.length > 0) {
      grouped = true;
      control = (
        <ColumnChecklist id={id} columns={columns} value={Array.isArray(value) ? (value as string[]) : []} onChange={(next) => onChange(next)} />
      );
    } else if (schema.items && nonNull(schema.items).type === "string" && !schema.items.enum) {
      control = (
        <CommaList id={id} value={Array.isArray(value) ? (value as unknown[]).map(String) : []} invalid={invalid} onChange={onChange} />
      );
    } else if (schema.items && (nonNull(schema.items).type === "object" || schema.items.enum || nonNull(schema.items).type)) {
      grouped = true;
      control = <ListEditor id={id} name={name} schema={schema} path={path} value={value} onChange={onChange} context={context} />;
    } else {
      control = <JsonInput id={id} value={value} onChange={onChange} />;
    }
  } else if (schema.type === "object") {
    wide = true;
    if (!schema.properties && schema.additionalProperties !== false) {
      grouped = true;
      control = <MappingEditor id={id} schema={schema} path={path} value={value} onChange={onChange} context={context} columns={columns} />;
    } else if (bare) {
      return (
        <div className="form-object">
          <ObjectFields schema={schema} path={path} value={value} onChange={onChange} context={context} />
          <FieldProblems context={context} path={path} />
        </div>
      );
    } else {
      return (
        <fieldset className="form-object" id={id}>
          <legend>{label}</legend>
          <ObjectFields schema={schema} path={path} value={value} onChange={onChange} context={context} />
          <FieldProblems context={context} path={path} />
        </fieldset>
      );
    }
  } else {
    control = <JsonInput id={id} value={value} onChange={onChange} />;
  }

  if (bare) {
    return (
      <div className="form-field form-field-bare">
        {control}
        <FieldProblems context={context} path={path} />
      </div>
    );
  }
  const labelled = grouped;
  return (
    <div className={wide ? "form-field form-field-wide" : "form-field"}>
      <span className="form-label-row">
        {labelled ? (
          <span className="form-label" id={`${id}-label`}>
            {label}
          </span>
        ) : (
          <label htmlFor={id} className="form-label">
            {label}
          </label>
        )}
        {/* Outside the label, so the field's name is just its label. */}
        {required && (
          <span className="required" title="required">
            {" "}
            *
          </span>
        )}
      </span>
      {labelled ? <div aria-labelledby={`${id}-label`} role="group">{control}</div> : control}
      {schema.description && <span className="form-help">{schema.description}</span>}
      <FieldProblems context={context} path={path} />
    </div>
  );
}

/** The whole parameter form of one node. */
export function SchemaForm({
  schema,
  value,
  onChange,
  context,
}: {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange: (value: Record<string, unknown>) => void;
  context: FormContext;
}) {
  return (
    <div className="schema-form">
      <ObjectFields schema={schema} path={[]} value={value} onChange={(next) => onChange(asObject(next))} context={context} />
    </div>
  );
}
