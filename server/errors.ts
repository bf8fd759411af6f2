/**
 * The one error catalogue. Lower layers throw ForgeError with a stable code; the error handler in
 * app.ts maps it to its HTTP status and Gitea's `{"message": "..."}` body. Anything else is a 500
 * whose body never shows internals.
 */
export const ERROR_KINDS = {
  invalid: 422,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  // Gitea's answer when a merge is refused by the rules (merged, closed, approvals missing).
  not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  too_many_requests: 429,
  // Another site the forge fetched from (the image proxy) failed or answered with something unusable.
  bad_gateway: 502,
  unavailable: 503,
} as const;

export type ErrorKind = keyof typeof ERROR_KINDS;

export class ForgeError extends Error {
  readonly status: number;
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ForgeError';
    this.status = ERROR_KINDS[kind];
  }
}

export const notFound = (what = 'The resource') => new ForgeError('not_found', `${what} does not exist.`);
export const invalid = (message: string, data: Record<string, unknown> = {}) => new ForgeError('invalid', message, data);
export const badRequest = (message: string) => new ForgeError('bad_request', message);
export const conflict = (message: string, data: Record<string, unknown> = {}) => new ForgeError('conflict', message, data);
export const notAllowed = (message: string, data: Record<string, unknown> = {}) => new ForgeError('not_allowed', message, data);
export const forbidden = (message = 'You may not do this.') => new ForgeError('forbidden', message);
export const badGateway = (message: string) => new ForgeError('bad_gateway', message);
export const unauthorized = (message = 'Authentication is required.') => new ForgeError('unauthorized', message);
