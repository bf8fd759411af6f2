import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Turns the address of an image on another site into an address on the forge's image proxy, signed
 * with the instance's secret so that the proxy fetches only what the forge itself rendered (it is
 * not an open proxy). A visitor's browser then asks the forge only, never the other site (RGPD:
 * the other site does not learn who reads the page).
 */
export interface ImageLinks {
  /** Names the signing key in cache keys: a rendered document is only valid for the key that signed it. */
  readonly id: string;
  /** The proxy's address for an http(s) image, or null for anything else (left as written). */
  proxied(url: string): string | null;
}

/** Where the proxy answers; the signature and the encoded address follow. */
export const IMAGE_PROXY_PREFIX = '/-/image';

const sign = (key: Buffer, url: string) => createHmac('sha256', key).update(url).digest('base64url').slice(0, 27);

/** The image links of an instance: the key is derived from its secret, so no other use of the secret can forge one. */
export function imageLinks(secret: string): ImageLinks {
  const key = createHmac('sha256', secret).update('fabrique image proxy').digest();
  return {
    id: sign(key, 'id').slice(0, 8),
    proxied(url) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return null;
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
      const href = parsed.href;
      return `${IMAGE_PROXY_PREFIX}/${sign(key, href)}/${Buffer.from(href).toString('base64url')}`;
    },
  };
}

/** The address a proxy link stands for, or null when its signature is not this instance's. */
export function verifyImageLink(secret: string, signature: string, encoded: string): string | null {
  const key = createHmac('sha256', secret).update('fabrique image proxy').digest();
  const url = Buffer.from(encoded, 'base64url').toString('utf8');
  const expected = Buffer.from(sign(key, url));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return url;
}
