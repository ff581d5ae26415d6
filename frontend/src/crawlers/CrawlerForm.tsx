import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { apiPatch, apiPost, type FieldErrors } from "../api/client";
import { asApiError } from "../catalog/hooks";
import { ErrorText } from "../catalog/widgets";
import {
  crawlerApi,
  crawlerPayload,
  crawlerRoutes,
  DELETE_BEHAVIORS,
  initialValues,
  PayloadError,
  RECRAWL_BEHAVIORS,
  UPDATE_BEHAVIORS,
  type Crawler,
  type FormValues,
} from "./api";
import { PathPicker } from "./PathPicker";

function FieldError({ errors, field }: { errors: FieldErrors; field: string }) {
  const messages = Object.entries(errors)
    .filter(([key]) => key === field || key.startsWith(`${field}.`))
    .flatMap(([key, list]) => list.map((m) => (key === field ? m : `${key}: ${m}`)));
  if (messages.length === 0) return null;
  return (
    <span className="inline-error" role="alert" data-testid={`error-${field}`}>
      {messages.join(" ")}
    </span>
  );
}

/** Create (no `existing`) or edit a crawler; the API checks everything and names the field at fault. */
export function CrawlerForm({ existing }: { existing: Crawler | null }) {
  const navigate = useNavigate();
  const [values, setValues] = useState<FormValues>(() => initialValues(existing));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [picking, setPicking] = useState<number | null>(null);
  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => setValues((v) => ({ ...v, [key]: value }));
  const setTarget = (index: number, path: string) =>
    setValues((v) => ({ ...v, targets: v.targets.map((t, i) => (i === index ? { ...t, path } : t)) }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setErrors({});
    setMessage(null);
    try {
      const payload = crawlerPayload(values, existing === null);
      const saved = existing
        ? await apiPatch<Crawler>(crawlerApi.crawler(existing.name), payload)
        : await apiPost<Crawler>(crawlerApi.list(), payload);
      navigate(crawlerRoutes.crawler(saved.name));
    } catch (error) {
      if (error instanceof PayloadError) {
        setErrors({ [error.field]: [error.message] });
      } else {
        const apiError = asApiError(error);
        setErrors(apiError.fieldErrors);
        setMessage(apiError.message);
      }
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="crawler-form" onSubmit={submit} data-testid="crawler-form" noValidate>
      {existing === null && (
        <label>
          Name
          <input value={values.name} onChange={(e) => set("name", e.target.value)} data-testid="crawler-name" required />
          <FieldError errors={errors} field="name" />
        </label>
      )}
      <label>
        Description
        <input value={values.description} onChange={(e) => set("description", e.target.value)} />
      </label>
      <fieldset>
        <legend>Targets</legend>
        {values.targets.map((target, index) => (
          <div key={index} className="crawler-target">
            <input
              aria-label={`Target ${index + 1} path`}
              placeholder="a folder inside the data roots, or s3://bucket/prefix"
              value={target.path}
              onChange={(e) => setTarget(index, e.target.value)}
              data-testid={`crawler-target-${index}`}
            />
            <input
              aria-label={`Target ${index + 1} connection`}
              placeholder="s3 connection (for s3://)"
              value={target.connection}
              onChange={(e) =>
                setValues((v) => ({
                  ...v,
                  targets: v.targets.map((t, i) => (i === index ? { ...t, connection: e.target.value } : t)),
                }))
              }
            />
            <button type="button" className="button catalog-button-secondary" onClick={() => setPicking(picking === index ? null : index)}>
              Browse…
            </button>
            {picking === index && (
              <PathPicker
                testId={`crawler-picker-${index}`}
                onChoose={(path) => {
                  setTarget(index, path);
                  setPicking(null);
                }}
              />
            )}
          </div>
        ))}
        <button
          type="button"
          className="button catalog-button-secondary"
          onClick={() => setValues((v) => ({ ...v, targets: [...v.targets, { path: "", connection: "" }] }))}
        >
          Add target
        </button>
        <FieldError errors={errors} field="targets" />
      </fieldset>
      <label>
        Exclusions (one glob a line: *, **, ?, [a-z], [!a-z], {"{a,b}"})
        <textarea value={values.exclusions} onChange={(e) => set("exclusions", e.target.value)} rows={3} />
        <FieldError errors={errors} field="exclusions" />
      </label>
      <label>
        Database
        <input value={values.database} onChange={(e) => set("database", e.target.value)} data-testid="crawler-database" />
        <FieldError errors={errors} field="database" />
      </label>
      <label>
        Table prefix
        <input value={values.table_prefix} onChange={(e) => set("table_prefix", e.target.value)} />
        <FieldError errors={errors} field="table_prefix" />
      </label>
      <label>
        Custom classifiers (JSON list, tried in order)
        <textarea value={values.classifiers} onChange={(e) => set("classifiers", e.target.value)} rows={3} />
        <FieldError errors={errors} field="classifiers" />
      </label>
      <label>
        Sample size (files read per folder)
        <input value={values.sample_size} onChange={(e) => set("sample_size", e.target.value)} inputMode="numeric" />
        <FieldError errors={errors} field="sample_size" />
      </label>
      <label>
        When a table changed
        <select value={values.update_behavior} onChange={(e) => set("update_behavior", e.target.value)}>
          {UPDATE_BEHAVIORS.map((b) => (
            <option key={b}>{b}</option>
          ))}
        </select>
      </label>
      <label>
        When data is gone
        <select value={values.delete_behavior} onChange={(e) => set("delete_behavior", e.target.value)}>
          {DELETE_BEHAVIORS.map((b) => (
            <option key={b}>{b}</option>
          ))}
        </select>
      </label>
      <label>
        Recrawl
        <select value={values.recrawl_behavior} onChange={(e) => set("recrawl_behavior", e.target.value)}>
          {RECRAWL_BEHAVIORS.map((b) => (
            <option key={b}>{b}</option>
          ))}
        </select>
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={values.combine_compatible_schemas}
          onChange={(e) => set("combine_compatible_schemas", e.target.checked)}
        />
        Combine compatible schemas into one table
      </label>
      <label>
        Table level (blank: found automatically; 1 = the target folder)
        <input value={values.table_level} onChange={(e) => set("table_level", e.target.value)} inputMode="numeric" />
        <FieldError errors={errors} field="table_level" />
      </label>
      <label>
        Table threshold (blank: none)
        <input value={values.table_threshold} onChange={(e) => set("table_threshold", e.target.value)} inputMode="numeric" />
        <FieldError errors={errors} field="table_threshold" />
      </label>
      <label>
        Schedule (cron, UTC: minute hour day month weekday)
        <input value={values.schedule} onChange={(e) => set("schedule", e.target.value)} placeholder="0 3 * * *" />
        <FieldError errors={errors} field="schedule" />
      </label>
      <ErrorText error={message} testId="crawler-form-error" />
      <button type="submit" className="button" disabled={saving} data-testid="crawler-save">
        {existing ? "Save" : "Create crawler"}
      </button>
    </form>
  );
}
