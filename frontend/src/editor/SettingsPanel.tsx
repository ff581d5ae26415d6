/** Job settings: name, description, parameters (part of the graph), retries, timeout, concurrency, node metrics. */
import { useEffect, useState } from "react";

import type { JobSettings, NodeMetrics } from "../jobs/api";
import type { JobParameter, ParameterType } from "./types";

const PARAMETER_TYPES: ParameterType[] = ["string", "number", "integer", "boolean"];

function parseDefault(type: ParameterType, text: string): JobParameter["default"] {
  if (text === "") return undefined;
  if (type === "boolean") return text === "true";
  if (type === "number" || type === "integer") {
    const value = Number(text);
    return Number.isNaN(value) ? text : value;
  }
  return text;
}

function shown(value: JobParameter["default"]): string {
  return value === undefined ? "" : String(value);
}

/**
 * A parameter's default. Booleans are a select; other types keep the text as typed and store
 * its parsed value, so "2." on the way to "2.5" is not shown back as "2".
 */
function DefaultInput({
  index,
  parameter,
  onChange,
}: {
  index: number;
  parameter: JobParameter;
  onChange: (value: JobParameter["default"]) => void;
}) {
  const label = `Parameter ${index + 1} default`;
  const [text, setText] = useState(shown(parameter.default));
  // Follow changes made elsewhere (undo, a restored version, a type change), not our own keystrokes.
  useEffect(() => {
    if (parseDefault(parameter.type, text) !== parameter.default) setText(shown(parameter.default));
  }, [parameter.default, parameter.type]);
  if (parameter.type === "boolean") {
    return (
      <select aria-label={label} value={shown(parameter.default)} onChange={(event) => onChange(parseDefault("boolean", event.target.value))}>
        <option value="">(none)</option>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    );
  }
  return (
    <input
      aria-label={label}
      type="text"
      inputMode={parameter.type === "string" ? undefined : "decimal"}
      value={text}
      onChange={(event) => {
        setText(event.target.value);
        onChange(parseDefault(parameter.type, event.target.value));
      }}
      onBlur={() => setText(shown(parseDefault(parameter.type, text)))}
    />
  );
}

/** The choices of the job's `node_metrics` (docs/runs.md "Node metrics"), with what each costs. */
export const NODE_METRICS_CHOICES: { value: NodeMetrics; label: string }[] = [
  { value: "fast", label: "Fast: a few percent; nodes inside join pipelines not counted" },
  { value: "exact", label: "Exact: every node counted and timed; join-heavy jobs can take several times longer" },
];

function NumberSetting({
  id,
  label,
  value,
  min,
  step,
  onChange,
  help,
}: {
  id: string;
  label: string;
  value: number;
  min: number;
  step: number | "any";
  onChange: (value: number) => void;
  help: string;
}) {
  return (
    <div className="form-field">
      <label htmlFor={id} className="form-label">
        {label}
      </label>
      <input id={id} type="number" min={min} step={step} value={Number.isFinite(value) ? value : ""} onChange={(event) => onChange(Number(event.target.value))} />
      <span className="form-help">{help}</span>
    </div>
  );
}

export function SettingsPanel({
  settings,
  onSettings,
  parameters,
  onParameters,
  errors,
}: {
  settings: JobSettings;
  onSettings: (settings: JobSettings) => void;
  parameters: JobParameter[];
  onParameters: (parameters: JobParameter[]) => void;
  errors: Record<string, string[]>;
}) {
  const set = <K extends keyof JobSettings>(key: K, value: JobSettings[K]) => onSettings({ ...settings, [key]: value });
  const setParameter = (index: number, change: Partial<JobParameter>) =>
    onParameters(parameters.map((parameter, i) => (i === index ? { ...parameter, ...change } : parameter)));
  return (
    <section className="settings-panel" aria-label="Job settings">
      <div className="settings-grid">
        <div className="form-field">
          <label htmlFor="job-name" className="form-label">
            Job name
          </label>
          <input id="job-name" type="text" value={settings.name} maxLength={255} onChange={(event) => set("name", event.target.value)} />
          {errors.name && <span className="field-problems">{errors.name.join(" ")}</span>}
        </div>
        <div className="form-field form-field-wide">
          <label htmlFor="job-description" className="form-label">
            Description
          </label>
          <textarea id="job-description" rows={2} value={settings.description} onChange={(event) => set("description", event.target.value)} />
        </div>
        <NumberSetting id="job-retries" label="Retries" value={settings.max_retries} min={0} step={1} onChange={(v) => set("max_retries", v)} help="How many times a failed run is tried again (0 to 10)." />
        <NumberSetting id="job-timeout" label="Timeout (minutes)" value={settings.timeout_minutes} min={0.01} step="any" onChange={(v) => set("timeout_minutes", v)} help="A run still going after this long is stopped (TIMEOUT)." />
        <NumberSetting id="job-concurrency" label="Max concurrent runs" value={settings.max_concurrent_runs} min={1} step={1} onChange={(v) => set("max_concurrent_runs", v)} help="Further runs wait in WAITING." />
        <div className="form-field form-field-wide">
          <label htmlFor="job-node-metrics" className="form-label">
            Node metrics
          </label>
          <select id="job-node-metrics" value={settings.node_metrics ?? "fast"} onChange={(event) => set("node_metrics", event.target.value as NodeMetrics)}>
            {NODE_METRICS_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
          <span className="form-help">Rows and duration of each node after a run. Exact meters every node, which stops Polars from optimising joins.</span>
          {errors.node_metrics && <span className="field-problems">{errors.node_metrics.join(" ")}</span>}
        </div>
      </div>
      {Object.entries(errors)
        .filter(([field]) => field !== "name" && field !== "node_metrics")
        .map(([field, messages]) => (
          <p key={field} className="field-problems">
            {field}: {messages.join(" ")}
          </p>
        ))}
      <h3>Parameters</h3>
      <p className="muted">Use a parameter as ${"{name}"} in any text field of a node; a run may give its own value.</p>
      <table className="parameters-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Default</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {parameters.map((parameter, index) => (
            <tr key={index}>
              <td>
                <input aria-label={`Parameter ${index + 1} name`} type="text" value={parameter.name} onChange={(event) => setParameter(index, { name: event.target.value })} />
              </td>
              <td>
                <select
                  aria-label={`Parameter ${index + 1} type`}
                  value={parameter.type}
                  onChange={(event) => {
                    const type = event.target.value as ParameterType;
                    setParameter(index, { type, default: parseDefault(type, parameter.default === undefined ? "" : String(parameter.default)) });
                  }}
                >
                  {PARAMETER_TYPES.map((type) => (
                    <option key={type}>{type}</option>
                  ))}
                </select>
              </td>
              <td>
                <DefaultInput
                  index={index}
                  parameter={parameter}
                  onChange={(value) => {
                    const { default: _old, ...rest } = parameter;
                    void _old;
                    onParameters(parameters.map((p, i) => (i === index ? (value === undefined ? rest : { ...rest, default: value }) : p)));
                  }}
                />
              </td>
              <td>
                <button type="button" className="button-small" onClick={() => onParameters(parameters.filter((_, i) => i !== index))}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button
        type="button"
        className="button-small"
        onClick={() => onParameters([...parameters, { name: `param_${parameters.length + 1}`, type: "string", default: "" }])}
      >
        Add parameter
      </button>
    </section>
  );
}
