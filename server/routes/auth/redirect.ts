/**
 * Where to send a browser after it signs in: `redirectTo` when it is a path of this forge, `/`
 * otherwise. The URL parser decides, as the browser will: it drops tabs and newlines and reads `\`
 * as `/`, so `/\t/evil.org` or `/\evil.org` would leave the site. The answer is the parsed path,
 * never one starting with `//` (`/.//evil.org` parses to the path `//evil.org`).
 */
export function sameOriginPath(redirectTo: string | undefined, baseUrl: string): string {
  if (redirectTo === undefined || !redirectTo.startsWith('/') || /^\/[/\\]/.test(redirectTo)) return '/';
  const base = new URL(baseUrl);
  let url: URL;
  try {
    url = new URL(redirectTo, base);
  } catch {
    return '/';
  }
  if (url.origin !== base.origin || url.username !== '' || url.pathname.startsWith('//')) return '/';
  return url.pathname + url.search + url.hash;
}
