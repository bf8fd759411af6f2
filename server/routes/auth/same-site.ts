import type { FastifyRequest } from 'fastify';
import { ForgeError, forbidden } from '../../errors.js';

/**
 * Login CSRF: a page elsewhere must not sign the browser into another account (nor spend its reset
 * links). A cross-site form cannot send JSON without a CORS preflight, and browsers name the page's
 * origin. The base URL is passed per request: tests learn the port only after listening.
 */
export function sameSiteJson(request: FastifyRequest, baseUrl: string): void {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== new URL(baseUrl).origin) throw forbidden('This request comes from another site.');
  if (request.headers['sec-fetch-site'] === 'cross-site') throw forbidden('This request comes from another site.');
  if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new ForgeError('bad_request', 'Send the form as application/json.');
  }
}
