import { JSDOM } from 'jsdom';
import createDOMPurify, { type DOMPurify } from 'dompurify';
import { Marked } from 'marked';
import hljs from 'highlight.js';
import { posix } from 'node:path';
import { createHash } from 'node:crypto';
import { Lru } from '../lib/lru.js';
import type { ImageLinks } from '../lib/image-links.js';

/** Where relative links and images of a rendered document point: the repository at one ref. */
export interface LinkBase {
  owner: string;
  repo: string;
  /** Gitea's ref kind in web URLs: `branch`, `tag` or `commit`. */
  kind: 'branch' | 'tag' | 'commit';
  /** The branch or tag name, or the commit id. */
  ref: string;
  /** Folder of the document, from the repository root ('' for the root). */
  dir: string;
}

/** Rendered output is cached by object id (plus what else shapes it); entries above this size are not kept. */
export const CACHE_ENTRY_MAX = 256 * 1024;
/**
 * Shared by every app instance in the process on purpose: an entry is a pure function of its key
 * (object ids and link base), so it is never stale and needs no dropping; only its size is bounded.
 */
const cache = new Lru<string, string | string[]>(400);

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

/**
 * DOMPurify on a jsdom window, made on first use (starting jsdom is slow) and never changed after:
 * no hook, no per-document setting, so every app instance in the process may share it.
 */
let purifier: DOMPurify | null = null;

/** Resolves a relative URL of a document inside the repository; null leaves it as written. */
function repoUrl(url: string, base: LinkBase, asRaw: boolean): string | null {
  if (url === '' || url.startsWith('#') || url.startsWith('//') || /^[a-z][a-z0-9+.-]*:/i.test(url)) return null;
  const [pathAndQuery, fragment = ''] = url.split('#', 2);
  const path = pathAndQuery.split('?')[0];
  const resolved = posix.normalize(path.startsWith('/') ? path : posix.join('/', base.dir, path)).replace(/^\/+/, '');
  if (resolved.startsWith('..')) return null;
  const hash = fragment ? `#${fragment}` : '';
  const repo = `${encodeURIComponent(base.owner)}/${encodeURIComponent(base.repo)}`;
  if (asRaw) return `/${repo}/raw/${base.kind}/${encodePath(base.ref)}/${encodePath(resolved)}`;
  return `/${repo}/src/${base.kind}/${encodePath(base.ref)}/${encodePath(resolved)}${hash}`;
}

function sanitizer(): DOMPurify {
  purifier ??= createDOMPurify(new JSDOM('').window as unknown as Parameters<typeof createDOMPurify>[0]);
  return purifier;
}

/**
 * Points the relative links and images of a sanitised document into the repository (left as written
 * without one); marks outside links nofollow; sends images of other sites through the forge's image
 * proxy, so that reading a page tells no other site who reads it. Elements are found by tag name, not by selector: jsdom's
 * selector engine registers a listener on the shared window for every new document, so selectors on
 * each rendered document would make every later render slower, without end.
 */
function rewriteLinks(body: Element, base: LinkBase | null, images: ImageLinks): void {
  for (const link of body.getElementsByTagName('a')) {
    const href = link.getAttribute('href');
    if (href === null) continue;
    const rewritten = base && repoUrl(href, base, false);
    if (rewritten) link.setAttribute('href', rewritten);
    else if (/^https?:/i.test(href)) link.setAttribute('rel', 'nofollow noopener noreferrer');
  }
  for (const image of body.getElementsByTagName('img')) {
    const src = image.getAttribute('src');
    const rewritten = src !== null && ((base && repoUrl(src, base, true)) || images.proxied(src));
    if (rewritten) image.setAttribute('src', rewritten);
  }
  // Responsive images (<img srcset>, <picture><source srcset>, as READMEs use for a dark-mode logo)
  // name their candidates again: each goes the same way as a src.
  for (const tag of ['img', 'source']) {
    for (const element of body.getElementsByTagName(tag)) {
      const srcset = element.getAttribute('srcset');
      if (srcset === null) continue;
      const candidates = srcset.split(/,\s+/).map((candidate) => {
        const [url = '', ...descriptor] = candidate.trim().split(/\s+/);
        const rewritten = (base && repoUrl(url, base, true)) || images.proxied(url) || url;
        return [rewritten, ...descriptor].join(' ');
      });
      element.setAttribute('srcset', candidates.join(', '));
    }
  }
}

const marked = new Marked({ gfm: true, breaks: false });

/**
 * Markdown rendered with marked, then sanitised with DOMPurify: no script, style, form, event
 * handler or `javascript:` URL survives; relative links point to the repository's pages and
 * relative images to its raw files, other sites' images to the image proxy. Cached by the blob id,
 * the link base and the proxy's key.
 */
export function renderMarkdown(source: string, blobId: string, base: LinkBase | null, images: ImageLinks): string {
  const key = base ? `md:${images.id}:${blobId}:${base.owner}/${base.repo}:${base.kind}:${base.ref}:${base.dir}` : `md:${images.id}:${blobId}`;
  const hit = cache.get(key);
  if (typeof hit === 'string') return hit;
  const html = marked.parse(source, { async: false });
  const body = sanitizer().sanitize(html, {
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed'],
    FORBID_ATTR: ['style'],
    RETURN_DOM: true,
  }) as Element; // RETURN_DOM gives the <body> holding the document, typed as a plain Node
  rewriteLinks(body, base, images);
  const clean = body.innerHTML;
  if (clean.length <= CACHE_ENTRY_MAX) cache.set(key, clean);
  return clean;
}

/** Files whose language is named by the whole file name rather than its extension. */
const LANGUAGE_BY_NAME: Record<string, string> = {
  dockerfile: 'dockerfile',
  makefile: 'makefile',
  gnumakefile: 'makefile',
  'cmakelists.txt': 'cmake',
  gemfile: 'ruby',
  rakefile: 'ruby',
  '.bashrc': 'bash',
  '.gitignore': 'plaintext',
};

/** highlight.js's language for a file name, or null when it knows none. */
export function languageOf(filename: string): string | null {
  const name = posix.basename(filename).toLowerCase();
  if (LANGUAGE_BY_NAME[name]) return LANGUAGE_BY_NAME[name];
  const dot = name.lastIndexOf('.');
  if (dot < 0) return null;
  const ext = name.slice(dot + 1);
  const language = hljs.getLanguage(ext);
  return language ? ext : null;
}

/** Splits highlight.js HTML into lines, closing the spans open at each line end and reopening them on the next. */
function splitLines(html: string): string[] {
  const lines: string[] = [];
  const open: string[] = [];
  let line = '';
  const token = /<span[^>]*>|<\/span>|\n/g;
  let last = 0;
  for (let match = token.exec(html); match; match = token.exec(html)) {
    line += html.slice(last, match.index);
    last = token.lastIndex;
    const text = match[0];
    if (text === '\n') {
      lines.push(line + '</span>'.repeat(open.length));
      line = open.join('');
    } else {
      line += text;
      if (text === '</span>') open.pop();
      else open.push(text);
    }
  }
  line += html.slice(last);
  lines.push(line);
  return lines;
}

/**
 * Lines of code in a known highlight.js language (a diff hunk's side) as lines of highlighted HTML;
 * cached by a hash of the text, as a diff is shown again and again while it is reviewed.
 */
export function highlightBlock(lines: string[], language: string): string[] {
  const text = lines.join('\n');
  const key = `hb:${language}:${createHash('sha1').update(text).digest('hex')}`;
  const hit = cache.get(key);
  if (Array.isArray(hit)) return hit;
  const html = splitLines(hljs.highlight(text, { language, ignoreIllegals: true }).value);
  if (text.length <= CACHE_ENTRY_MAX) cache.set(key, html);
  return html;
}

/**
 * A text file as lines of HTML: highlighted with highlight.js when its language is known from the
 * file name, escaped otherwise. Cached by blob id.
 */
export function highlightLines(source: string, blobId: string, filename: string): { language: string | null; lines: string[] } {
  const language = languageOf(filename);
  const key = `hl:${blobId}:${language ?? ''}`;
  const hit = cache.get(key);
  const text = source.endsWith('\n') ? source.slice(0, -1) : source;
  if (Array.isArray(hit)) return { language, lines: hit };
  const html = language ? hljs.highlight(text, { language, ignoreIllegals: true }).value : escapeHtml(text);
  const lines = text === '' ? [] : splitLines(html);
  if (source.length <= CACHE_ENTRY_MAX) cache.set(key, lines);
  return { language, lines };
}
