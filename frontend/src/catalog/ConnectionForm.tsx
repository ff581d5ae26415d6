import { useState, type FormEvent } from "react";
import { apiPatch, apiPost, type FieldErrors } from "../api/client";
import { catalogApi, type Connection, type ConnectionType } from "./api";
import { asApiError } from "./hooks";
import { ErrorText } from "./widgets";

export interface FormValues {
  name: string;
  connection_type: string;
  description: string;
  properties: Record<string, string>;
  /** Typed secrets; blank means "keep what is stored". */
  secrets: Record<string, string>;
  /** Stored secrets the user asked to remove. */
  removeSecrets: string[];
}

export function initialValues(types: ConnectionType[], existing: Connection | null): FormValues {
  const kind = existing?.connection_type ?? types[0]?.connection_type ?? "";
  const type = types.find((t) => t.connection_type === kind);
  const source = existing?.properties ?? type?.defaults ?? {};
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) properties[key] = value === null || value === undefined ? "" : String(value);
  return { name: existing?.name ?? "", connection_type: kind, description: existing?.description ?? "", properties, secrets: {}, removeSecrets: [] };
}

/**
 * The JSON body for POST (creating) or PATCH (editing). Numbers are sent as numbers when they
 * parse (else as typed, so the API names the field); blank optional properties are left out;
 * blank secrets are left out so the stored ones stay; removed secrets are sent as null.
 */
export function connectionPayload(type: ConnectionType, values: FormValues, creating: boolean): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const property of type.properties) {
    const raw = (values.properties[property.name] ?? "").trim();
    if (raw === "") continue;
    properties[property.name] = property.type === "number" && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  }
  const secrets: Record<string, string | null> = {};
  for (const name of type.secrets) {
    const typed = values.secrets[name] ?? "";
    if (typed !== "") secrets[name] = typed;
    else if (!creating && values.removeSecrets.includes(name)) secrets[name] = null;
  }
  const payload: Record<string, unknown> = { description: values.description, properties };
  if (creating) {
    payload.name = values.name.trim();
    payload.connection_type = values.connection_type;
  }
  if (Object.keys(secrets).length > 0) payload.secrets = secrets;
  return payload;
}

/** The error keys the form can show next to an input. */
function shownFields(type: ConnectionType): string[] {
  return [
    "name",
    "connection_type",
    "description",
    ...type.properties.map((p) => `properties.${p.name}`),
    ...type.secrets.map((s) => `secrets.${s}`),
  ];
}

function FieldError({ errors, field }: { errors: FieldErrors; field: string }) {
  const messages = errors[field];
  if (!messages || messages.length === 0) return null;
  return (
    <span className="inline-error" data-testid={`field-error-${field}`} id={`error-${field}`}>
      {messages.join(" ")}
    </span>
  );
}

interface Props {
  types: ConnectionType[];
  existing: Connection | null;
  readOnly: boolean;
  onSaved: (connection: Connection) => void;
}

/** Create or edit a connection; the fields come from /api/catalog/connection-types/. Secrets are write-only. */
export function ConnectionForm({ types, existing, readOnly, onSaved }: Props) {
  const [values, setValues] = useState<FormValues>(() => initialValues(types, existing));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const creating = existing === null;
  const type = types.find((t) => t.connection_type === values.connection_type);

  const chooseType = (kind: string) => {
    const next = types.find((t) => t.connection_type === kind);
    const properties: Record<string, string> = {};
    for (const [key, value] of Object.entries(next?.defaults ?? {})) properties[key] = String(value);
    setValues((v) => ({ ...v, connection_type: kind, properties, secrets: {}, removeSecrets: [] }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!type) return;
    setSaving(true);
    setErrors({});
    setMessage(null);
    const payload = connectionPayload(type, values, creating);
    const request = creating
      ? apiPost<Connection>(catalogApi.connections(), payload)
      : apiPatch<Connection>(catalogApi.connection(existing.name), payload);
    request.then(
      (saved) => {
        setSaving(false);
        setValues((v) => ({ ...v, secrets: {}, removeSecrets: [] }));
        setMessage("Saved.");
        onSaved(saved);
      },
      (failure: unknown) => {
        const error = asApiError(failure);
        setSaving(false);
        setErrors(error.fieldErrors);
        // Field messages appear by their fields; any other message goes above the button.
        const shown = new Set(shownFields(type));
        const unplaced = Object.entries(error.fieldErrors).filter(([field]) => !shown.has(field));
        if (Object.keys(error.fieldErrors).length === 0) setMessage(error.message);
        else if (unplaced.length === 0) setMessage("Please correct the fields marked above.");
        else setMessage(unplaced.map(([field, messages]) => `${field}: ${messages.join(" ")}`).join("; "));
      },
    );
  };

  const invalid = (field: string) => (errors[field] ? { "aria-invalid": true, "aria-describedby": `error-${field}` } : {});

  return (
    <form className="catalog-form" onSubmit={submit} data-testid="connection-form">
      <div className="catalog-field">
        <label htmlFor="connection-name">Name</label>
        <input
          id="connection-name"
          data-testid="connection-name"
          value={values.name}
          disabled={!creating || readOnly}
          onChange={(event) => setValues((v) => ({ ...v, name: event.target.value }))}
          {...invalid("name")}
        />
        <FieldError errors={errors} field="name" />
      </div>
      <div className="catalog-field">
        <label htmlFor="connection-type">Type</label>
        <select
          id="connection-type"
          data-testid="connection-type"
          value={values.connection_type}
          disabled={!creating || readOnly}
          onChange={(event) => chooseType(event.target.value)}
        >
          {types.map((t) => (
            <option key={t.connection_type} value={t.connection_type}>
              {t.connection_type}
            </option>
          ))}
        </select>
        <FieldError errors={errors} field="connection_type" />
      </div>
      <div className="catalog-field">
        <label htmlFor="connection-description">Description</label>
        <input
          id="connection-description"
          data-testid="connection-description"
          value={values.description}
          disabled={readOnly}
          onChange={(event) => setValues((v) => ({ ...v, description: event.target.value }))}
        />
        <FieldError errors={errors} field="description" />
      </div>
      {type?.properties.map((property) => {
        const field = `properties.${property.name}`;
        return (
          <div className="catalog-field" key={property.name}>
            <label htmlFor={`property-${property.name}`}>
              {property.name}
              {property.required && <span aria-label="required"> *</span>}
            </label>
            <input
              id={`property-${property.name}`}
              data-testid={`property-${property.name}`}
              inputMode={property.type === "number" ? "numeric" : undefined}
              value={values.properties[property.name] ?? ""}
              disabled={readOnly}
              onChange={(event) =>
                setValues((v) => ({ ...v, properties: { ...v.properties, [property.name]: event.target.value } }))
              }
              {...invalid(field)}
            />
            <FieldError errors={errors} field={field} />
          </div>
        );
      })}
      {!readOnly &&
        type?.secrets.map((secret) => {
          const field = `secrets.${secret}`;
          const isSet = existing?.secrets_set.includes(secret) ?? false;
          const removing = values.removeSecrets.includes(secret);
          return (
            <div className="catalog-field" key={secret}>
              <label htmlFor={`secret-${secret}`}>{secret}</label>
              <input
                id={`secret-${secret}`}
                data-testid={`secret-${secret}`}
                type="password"
                autoComplete="new-password"
                placeholder={isSet ? "set — leave blank to keep" : "not set"}
                value={values.secrets[secret] ?? ""}
                onChange={(event) => setValues((v) => ({ ...v, secrets: { ...v.secrets, [secret]: event.target.value } }))}
                {...invalid(field)}
              />
              {isSet && (
                <label className="catalog-inline-check">
                  <input
                    type="checkbox"
                    data-testid={`secret-remove-${secret}`}
                    checked={removing}
                    onChange={(event) =>
                      setValues((v) => ({
                        ...v,
                        removeSecrets: event.target.checked
                          ? [...v.removeSecrets, secret]
                          : v.removeSecrets.filter((s) => s !== secret),
                      }))
                    }
                  />{" "}
                  remove
                </label>
              )}
              <FieldError errors={errors} field={field} />
            </div>
          );
        })}
      {readOnly && existing && (
        <p className="muted" data-testid="connection-secrets-set">
          Secrets set: {existing.secrets_set.join(", ") || "none"}
        </p>
      )}
      <ErrorText error={message && message !== "Saved." ? message : null} testId="connection-form-error" />
      {message === "Saved." && (
        <p className="muted" role="status" data-testid="connection-saved">
          Saved.
        </p>
      )}
      {!readOnly && (
        <button type="submit" className="button" data-testid="connection-save" disabled={saving || !type}>
          {creating ? "Create connection" : "Save changes"}
        </button>
      )}
    </form>
  );
}
