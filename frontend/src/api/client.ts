/**
 * The JSON client for glueweb's REST API (Django REST framework).
 *
 * Requests go to the same origin with the session cookie; unsafe methods carry
 * Django's CSRF token from the `csrftoken` cookie in the X-CSRFToken header.
 * Any answer that is not a 2xx becomes an ApiError carrying the status and the
 * server's own message.
 */

export const LOGIN_URL = "/accounts/login/";
export const CSRF_COOKIE = "csrftoken";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/** One cookie's value from a `document.cookie` style string, or null. */
export function readCookie(name: string, cookies: string = document.cookie): string | null {
  for (const part of cookies.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
  }
  return null;
}

export function csrfToken(): string | null {
  return readCookie(CSRF_COOKIE);
}

/** The sign-in page, returning to `next` (a path on this site) afterwards. */
export function loginUrl(next?: string): string {
  return next ? `${LOGIN_URL}?next=${encodeURIComponent(next)}` : LOGIN_URL;
}

export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  /** HTTP status; 0 when the server could not be reached at all. */
  readonly status: number;
  /** Per-field validation messages (DRF's `{field: ["msg", ...]}`), if any. */
  readonly fieldErrors: FieldErrors;
  /** The decoded response body, when there was one. */
  readonly body: unknown;

  constructor(status: number, message: string, options: { fieldErrors?: FieldErrors; body?: unknown } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.fieldErrors = options.fieldErrors ?? {};
    this.body = options.body;
  }

  /** Not signed in (DRF answers 403 to an anonymous session, 401 to a bad token). */
  get isAuthError(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

function asMessages(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(asMessages);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, inner]) => asMessages(inner).map((m) => `${key}: ${m}`));
  }
  return value === undefined || value === null ? [] : [String(value)];
}

/** Field errors from a DRF error body: every key but `detail`, as lists of strings. */
export function fieldErrorsOf(body: unknown): FieldErrors {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return {};
  const errors: FieldErrors = {};
  for (const [field, value] of Object.entries(body)) {
    if (field === "detail") continue;
    const messages = asMessages(value);
    if (messages.length > 0) errors[field] = messages;
  }
  return errors;
}

/**
 * A readable message from a DRF error body: `{"detail": "..."}`,
 * `{"field": ["msg", ...], "non_field_errors": [...]}`, a list, or a string.
 */
export function errorMessage(body: unknown, fallback: string): string {
  if (typeof body === "string") return body.trim() || fallback;
  if (Array.isArray(body)) return asMessages(body).join(" ") || fallback;
  if (body === null || typeof body !== "object") return fallback;
  const record = body as Record<string, unknown>;
  // `detail` is usually a string, but glueweb turns Django's ValidationError into a list of them.
  const detail = asMessages(record.detail);
  if (detail.length > 0) return detail.join(" ");
  const parts: string[] = [];
  for (const [field, messages] of Object.entries(fieldErrorsOf(body))) {
    const text = messages.join(" ");
    parts.push(field === "non_field_errors" ? text : `${field}: ${text}`);
  }
  return parts.join("; ") || fallback;
}

function statusFallback(response: Response): string {
  return `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}.`;
}

interface Body {
  /** The decoded body: parsed JSON, plain text, or undefined (empty or something else). */
  value: unknown;
  empty: boolean;
  json: boolean;
}

async function readBody(response: Response): Promise<Body> {
  const text = await response.text();
  if (!text) return { value: undefined, empty: true, json: false };
  const type = response.headers.get("Content-Type") ?? "";
  if (type.includes("json")) {
    try {
      return { value: JSON.parse(text) as unknown, empty: false, json: true };
    } catch {
      return { value: undefined, empty: false, json: false };
    }
  }
  return { value: type.startsWith("text/plain") ? text : undefined, empty: false, json: false };
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export async function apiRequest<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const verb = method.toUpperCase();
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (!SAFE_METHODS.has(verb)) {
    const token = csrfToken();
    if (token) headers["X-CSRFToken"] = token;
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method: verb,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "Could not reach the glueweb server. Check your connection and try again.");
  }

  // A session that ended can make Django send the login page instead of JSON.
  if (response.redirected && new URL(response.url, window.location.href).pathname.startsWith(LOGIN_URL)) {
    throw new ApiError(401, "You are not signed in.");
  }

  const answer = await readBody(response);
  if (!response.ok) {
    throw new ApiError(response.status, errorMessage(answer.value, statusFallback(response)), {
      fieldErrors: fieldErrorsOf(answer.value),
      body: answer.value,
    });
  }
  if (answer.empty) return undefined as T;
  if (!answer.json) {
    throw new ApiError(response.status, `The server's answer to ${path} was not JSON.`);
  }
  return answer.value as T;
}

export function apiGet<T>(path: string, options?: RequestOptions): Promise<T> {
  return apiRequest<T>("GET", path, undefined, options);
}

export function apiPost<T>(path: string, body: unknown = {}, options?: RequestOptions): Promise<T> {
  return apiRequest<T>("POST", path, body, options);
}

export function apiPatch<T>(path: string, body: unknown = {}, options?: RequestOptions): Promise<T> {
  return apiRequest<T>("PATCH", path, body, options);
}

export function apiDelete(path: string, options?: RequestOptions): Promise<void> {
  return apiRequest<void>("DELETE", path, undefined, options);
}
