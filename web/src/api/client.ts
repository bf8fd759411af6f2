/** An answer from the API that is not a success: the HTTP status and the server's `{"message"}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The form field the server blames, when it names one (e.g. `"password"`). */
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Status 0 stands for "no answer": the network failed before any HTTP status came back. */
export const NETWORK_ERROR = 0;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
  /** The answer is text, not JSON (e.g. Gitea's `POST /markdown`, which answers HTML). */
  text?: boolean;
  /** Receives the answer's headers, e.g. Gitea's `X-Total-Count` on a list. */
  onHeaders?: (headers: Headers) => void;
}

interface ErrorBody {
  message?: unknown;
  field?: unknown;
}

let csrfToken: string | null = null;

/** Remembers the session's CSRF token (from sign-in or `GET /api/v1/auth/session`); every change sends it. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The session's CSRF token, for a change sent without `request` (an upload that reports its progress). */
export function csrfTokenValue(): string | null {
  return csrfToken;
}

/** Calls the forge's API at `path` (e.g. `/api/v1/setup`) and returns its JSON; throws an ApiError on any failure. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (csrfToken !== null && (options.method ?? 'GET') !== 'GET') headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    throw new ApiError(NETWORK_ERROR, err instanceof Error ? err.message : String(err));
  }
  const text = await response.text();
  const data: unknown = options.text && response.ok ? text : text === '' ? null : parseJson(text);
  if (!response.ok) {
    const body = (typeof data === 'object' && data !== null ? data : {}) as ErrorBody;
    throw new ApiError(
      response.status,
      typeof body.message === 'string' ? body.message : response.statusText,
      typeof body.field === 'string' ? body.field : null,
    );
  }
  options.onHeaders?.(response.headers);
  return data as T;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
