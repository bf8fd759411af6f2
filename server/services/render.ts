import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
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

/** The elements a rendered document keeps (GitHub's and Gitea's sets, less forms and embedded frames); any other is dropped, its text kept. */
const ALLOWED_TAGS = [
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'kbd', 'samp', 'var',
  'em', 'strong', 'b', 'i', 'u', 's', 'strike', 'del', 'ins', 'mark', 'small', 'sub', 'sup', 'q', 'cite', 'abbr', 'dfn', 'time', 'span', 'div',
  'a', 'img', 'picture', 'source', 'ul', 'ol', 'li', 'dl', 'dt', 'dd',
  'table', 'caption', 'colgroup', 'col', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td',
  'details', 'summary', 'figure', 'figcaption', 'ruby', 'rt', 'rp', 'wbr',
];
const ALIGN = ['align'];
/** The attributes each element keeps; no event handler, no style, no id or name (they would clobber the page's own). */
const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
  a: ['href', 'title', 'rel'],
  span: ['class'],
  img: ['src', 'srcset', 'alt', 'title', 'width', 'height', 'align'],
  source: ['srcset', 'media', 'type', 'sizes'],
  code: ['class'],
  ol: ['start', 'type', 'reversed'],
  li: ['value'],
  td: ['align', 'colspan', 'rowspan'],
  th: ['align', 'colspan', 'rowspan', 'scope'],
  col: ['span'],
  colgroup: ['span'],
  details: ['open'],
  time: ['datetime'],
  abbr: ['title'],
  p: ALIGN, div: ALIGN, h1: ALIGN, h2: ALIGN, h3: ALIGN, h4: ALIGN, h5: ALIGN, h6: ALIGN,
};

/**
 * sanitize-html's options for one document: an allowlist of elements, attributes and URL schemes
 * (http, https, mailto, tel; data: for images only; relative URLs), the contents of script-like
 * elements dropped with them, and links and images pointed where `rewrite*` says (the transforms
 * run before the allowlists, so a rewritten URL is checked like a written one).
 */
function sanitizeOptions(base: LinkBase | null, images: ImageLinks): sanitizeHtml.IOptions {
  const image = (url: string) => (base && repoUrl(url, base, true)) || images.proxied(url) || url;
  const srcset = (value: string) => value.split(/,\s+/).map((candidate) => {
    const [url = '', ...descriptor] = candidate.trim().split(/\s+/);
    return [image(url), ...descriptor].join(' ');
  }).join(', ');
  return {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedClasses: { code: ['language-*'], span: ['task'] },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https', 'data'], source: ['http', 'https', 'data'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    selfClosing: ['img', 'br', 'hr', 'wbr', 'col', 'source'],
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'xmp', 'noembed', 'noframes', 'plaintext', 'title', 'template', 'select'],
    transformTags: {
      a: (tagName, attribs) => {
        const { rel: _written, ...rest } = attribs;
        const href = rest.href;
        if (href === undefined) return { tagName, attribs: rest };
        const rewritten = base && repoUrl(href, base, false);
        if (rewritten) return { tagName, attribs: { ...rest, href: rewritten } };
        // A link out of the forge passes no credit and no window to the other site.
        if (/^\s*https?:/i.test(href) || href.startsWith('//')) return { tagName, attribs: { ...rest, rel: 'nofollow noopener noreferrer' } };
        return { tagName, attribs: rest };
      },
      img: (tagName, attribs) => ({
        tagName,
        // An image its author gave no text is decorative to a screen reader (alt=""), not a file name read aloud.
        attribs: { alt: '', ...attribs, ...(attribs.src !== undefined ? { src: image(attribs.src) } : {}), ...(attribs.srcset !== undefined ? { srcset: srcset(attribs.srcset) } : {}) },
      }),
      // A task list's box ("- [x] done") becomes text, ☑ or ☐, which a screen reader reads with its state
      // (a form control would need a label); any other input is dropped, its tag not being allowed.
      input: (tagName, attribs) => (attribs.type?.toLowerCase() === 'checkbox' ? { tagName: 'span', attribs: { class: 'task' }, text: 'checked' in attribs ? '☑' : '☐' } : { tagName, attribs }),
      source: (tagName, attribs) => ({ tagName, attribs: { ...attribs, ...(attribs.srcset !== undefined ? { srcset: srcset(attribs.srcset) } : {}) } }),
    },
  };
}

const marked = new Marked({ gfm: true, breaks: false });

/**
 * Markdown rendered with marked, then sanitised with sanitize-html: no script, style, form, frame,
 * event handler or `javascript:` URL survives; relative links point to the repository's pages and
 * relative images to its raw files, other sites' images to the image proxy. Cached by the blob id,
 * the link base and the proxy's key.
 *
 * Not DOMPurify on jsdom: a long-lived jsdom window keeps what every sanitised document left in it
 * (DOMPurify#1089, jsdom's selector caches), so the heap grew by about a megabyte for each README,
 * comment or release note rendered, and each call grew slower (bench/memory.ts). sanitize-html
 * parses with htmlparser2 and keeps nothing between documents.
 */
export function renderMarkdown(source: string, blobId: string, base: LinkBase | null, images: ImageLinks): string {
  const key = base ? `md:${images.id}:${blobId}:${base.owner}/${base.repo}:${base.kind}:${base.ref}:${base.dir}` : `md:${images.id}:${blobId}`;
  const hit = cache.get(key);
  if (typeof hit === 'string') return hit;
  const html = marked.parse(source, { async: false });
  const clean = sanitizeHtml(html, sanitizeOptions(base, images));
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
