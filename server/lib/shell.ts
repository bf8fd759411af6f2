import { isLanguage, type Language } from '../../contract/languages.js';

/** What the server fills into the app shell so that crawlers and link previews read it without JavaScript. */
export interface PageHead {
  title: string;
  description: string;
  /** Atom feeds of the page (`<link rel="alternate">`), for feed readers to discover. */
  feeds?: Array<{ title: string; href: string }>;
  /** The instance's name (FORGE_SITE_NAME), for the app's header and titles: `<meta name="application-name">`. */
  siteName?: string;
  /** The instance's logo, uploaded by an administrator, for the app's header: `<meta name="fabrique:logo">`. */
  siteLogo?: string | null;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** The visitor's language: the `lang` cookie when set, else the first supported Accept-Language, else French. */
export function languageOf(headers: { cookie?: string; 'accept-language'?: string }): Language {
  const cookie = /(?:^|;\s*)lang=(fr|en)(?:;|$)/.exec(headers.cookie ?? '');
  if (cookie) return cookie[1] as Language;
  const accepted = (headers['accept-language'] ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { lang: tag.trim().slice(0, 2).toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  const match = accepted.find((entry) => isLanguage(entry.lang));
  return (match?.lang as Language | undefined) ?? 'fr';
}

/** The built index.html with a page's language, title and description filled in, as text. */
export function renderShell(template: string, lang: Language, head: PageHead): string {
  // Function replacers only: a replacement *string* expands `$&`, `$1`, `` $` `` and `$'`, so a
  // description or a commit message could rewrite the tag (e.g. into an http-equiv refresh).
  const title = escapeHtml(head.title);
  const description = escapeHtml(head.description);
  return template
    .replace(/<html lang="[^"]*"/, () => `<html lang="${lang}"`)
    .replace(/<title>[^<]*<\/title>/, () => `<title>${title}</title>`)
    .replace(/(<meta name="description" content=")[^"]*(")/, (_all, open: string, close: string) => `${open}${description}${close}`)
    .replace(/(<meta property="og:title" content=")[^"]*(")/, (_all, open: string, close: string) => `${open}${title}${close}`)
    .replace(/(<meta property="og:description" content=")[^"]*(")/, (_all, open: string, close: string) => `${open}${description}${close}`)
    .replace(/<\/head>/, () => `${siteNameMeta(head.siteName)}${siteLogoMeta(head.siteLogo)}${feedLinks(head.feeds ?? [])}</head>`);
}

function siteNameMeta(name: string | undefined): string {
  return name ? `<meta name="application-name" content="${escapeHtml(name)}">\n` : '';
}

function siteLogoMeta(url: string | null | undefined): string {
  return url ? `<meta name="fabrique:logo" content="${escapeHtml(url)}">\n` : '';
}

function feedLinks(feeds: NonNullable<PageHead['feeds']>): string {
  return feeds.map((f) => `<link rel="alternate" type="application/atom+xml" title="${escapeHtml(f.title)}" href="${escapeHtml(f.href)}">\n`).join('');
}
