/**
 * The instance's logo, which the server writes into every page's head (`<meta name="fabrique:logo">`)
 * so that the header shows it at its first paint, without a request of its own.
 */
const SELECTOR = 'meta[name="fabrique:logo"]';

/** Fired on `window` when an administrator changes the logo: the header shows the new one at once. */
export const SITE_LOGO_CHANGED = 'fab-site-logo-changed';

/** The logo's URL, or null when the instance has none. */
export function siteLogo(): string | null {
  return document.querySelector<HTMLMetaElement>(SELECTOR)?.content || null;
}

/** Records the logo an administrator just uploaded (or removed, null) and tells the header. */
export function showSiteLogo(url: string | null): void {
  let meta = document.querySelector<HTMLMetaElement>(SELECTOR);
  if (url === null) meta?.remove();
  else {
    if (!meta) {
      meta = document.createElement('meta');
      meta.name = 'fabrique:logo';
      document.head.append(meta);
    }
    meta.content = url;
  }
  window.dispatchEvent(new Event(SITE_LOGO_CHANGED));
}
