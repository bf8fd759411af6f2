/**
 * What a rendered Markdown document (README, issue, comment, pull request, release note) may hold,
 * read the way a browser reads it (parse5, through jsdom): known attack vectors one by one, then
 * generated documents mixing them with Markdown and text.
 */
import fc from 'fast-check';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { renderMarkdown, type LinkBase } from '../../server/services/render.js';
import type { ImageLinks } from '../../server/lib/image-links.js';
import { startServer } from '../helpers/server.js';

const images: ImageLinks = { id: 'test', proxied: (url) => (/^https?:\/\//i.test(url) ? `/image-proxy?url=${encodeURIComponent(url)}` : null) } as ImageLinks;
const base: LinkBase = { owner: 'metropole', repo: 'voirie', kind: 'branch', ref: 'main', dir: 'docs' };
let counter = 0;
const render = (source: string, at: LinkBase | null = base) => renderMarkdown(source, `test-${++counter}`, at, images);

/** What a browser would let run or load from the rendered HTML: every element, attribute and URL it holds. */
function dangers(html: string): string[] {
  const { document } = new JSDOM(`<!doctype html><body>${html}</body>`).window;
  const found: string[] = [];
  for (const element of document.body.querySelectorAll('*')) {
    const tag = element.tagName.toLowerCase();
    if (['script', 'style', 'iframe', 'object', 'embed', 'form', 'textarea', 'select', 'button', 'svg', 'math', 'link', 'meta', 'base', 'frame', 'frameset', 'template', 'noscript'].includes(tag)) found.push(`<${tag}>`);
    if (tag === 'input') found.push('<input>');
    for (const { name, value } of [...element.attributes]) {
      if (name.startsWith('on') || name === 'style' || name === 'id' || name === 'name' || name === 'formaction' || name === 'srcdoc') found.push(`${tag}[${name}]`);
      if (['href', 'src', 'srcset', 'cite', 'action', 'background', 'poster', 'xlink:href'].includes(name)) {
        for (const url of name === 'srcset' ? value.split(',').map((c) => c.trim().split(/\s+/)[0] ?? '') : [value]) {
          const scheme = /^([a-z][a-z0-9+.-]*):/i.exec([...url].filter((c) => c.charCodeAt(0) > 0x20).join(''))?.[1]?.toLowerCase();
          const allowed = ['http', 'https', 'mailto', 'tel', ...(tag === 'img' || tag === 'source' ? ['data'] : [])];
          if (scheme !== undefined && !allowed.includes(scheme)) found.push(`${tag}[${name}=${scheme}:]`);
        }
      }
    }
  }
  return found;
}

/** Known vectors: what each must not leave behind is checked by `dangers`. */
const VECTORS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)><circle r="1"/></svg>',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  '[a](javascript:alert(1))',
  '[a](JaVaScRiPt:alert(1))',
  '<a href="jav&#x09;ascript:alert(1)">a</a>',
  '<a href="&#106;avascript:alert(1)">a</a>',
  '<a href=" javascript:alert(1)">a</a>',
  '<a href="vbscript:msgbox(1)">a</a>',
  '<a href="data:text/html,<script>alert(1)</script>">a</a>',
  '<iframe src="https://example.org"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="x.swf"></object><embed src="x.swf">',
  '<form action="https://example.org"><input name="password"><button formaction="javascript:alert(1)">go</button></form>',
  '<div style="position:fixed;inset:0">covers the page</div>',
  '<a id="csrf-token" name="forms">clobbers</a>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
  '<style>@import "https://example.org/x.css";</style>',
  '<link rel="stylesheet" href="https://example.org/x.css"><meta http-equiv="refresh" content="0;url=https://example.org"><base href="https://example.org/">',
  '<details open ontoggle=alert(1)><summary>s</summary></details>',
  '<img src="x" srcset="javascript:alert(1) 1x, https://example.org/a.png 2x">',
  '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
  '<video poster="javascript:alert(1)"><source src="x"></video>',
  '<template><img src=x onerror=alert(1)></template>',
  '<input type="checkbox" onclick="alert(1)" checked>',
  '<p>text <!-- <img src=x onerror=alert(1)> --></p>',
  '<a href="https://example.org" onmouseover="alert(1)" style="color:red">link</a>',
  '<<script>script>alert(1)<</script>/script>',
  '<img src=`x`onerror=alert(1)>',
];

describe('rendered Markdown', () => {
  it('the check finds what an unsanitised document would run or load', () => {
    // test: the same vectors, as HTML nobody cleaned
    expect(dangers(VECTORS.slice(0, 4).join(''))).toEqual(['<script>', 'img[onerror]', '<svg>', 'svg[onload]', '<math>', 'mi[xlink:href=javascript:]']);
    expect(dangers('<a href="&#106;avascript:alert(1)">a</a><img srcset="x 1x, vbscript:y 2x"><input name="p">')).toEqual(['a[href=javascript:]', 'img[srcset=vbscript:]', '<input>', 'input[name]']);
  });

  it.each(VECTORS)('keeps nothing that runs or loads from %s', (vector) => {
    expect(dangers(render(vector))).toEqual([]);
    expect(dangers(render(`Before\n\n${vector}\n\nafter *text*`, null))).toEqual([]);
  });

  it('keeps what documents use: tables, task lists (their boxes as text), details, code with its language, responsive images, links', () => {
    const html = render([
      '# Voirie', '', '| Rue | État |', '|:--|--:|', '| Pasteur | **bon** |', '',
      '- [x] fait', '- [ ] à faire', '', '<details><summary>Plus</summary>', '', 'caché', '</details>', '',
      '```ts', 'const a = "<b>";', '```', '',
      '<picture><source media="(prefers-color-scheme: dark)" srcset="logo-dark.png"><img src="logo.png" alt="Logo" width="120"></picture>', '',
      '[guide](guide.md) [site](https://example.org) [mail](mailto:voirie@example.org) <kbd>Ctrl</kbd>',
    ].join('\n'));
    const { document } = new JSDOM(`<body>${html}</body>`).window;
    expect(document.querySelector('h1')?.textContent).toBe('Voirie');
    expect(document.querySelector('th')?.getAttribute('align')).toBe('left');
    expect([...document.querySelectorAll('li')].map((item) => item.textContent)).toEqual(['☑ fait', '☐ à faire']);
    expect(document.querySelectorAll('input')).toHaveLength(0);
    expect(document.querySelector('details summary')?.textContent).toBe('Plus');
    expect(document.querySelector('pre code')?.className).toBe('language-ts');
    expect(document.querySelector('pre code')?.textContent).toBe('const a = "<b>";\n');
    expect(document.querySelector('source')?.getAttribute('srcset')).toBe('/metropole/voirie/raw/branch/main/docs/logo-dark.png');
    expect(document.querySelector('img')?.getAttribute('src')).toBe('/metropole/voirie/raw/branch/main/docs/logo.png');
    expect(document.querySelector('img')?.getAttribute('width')).toBe('120');
    expect(document.querySelector('img')?.getAttribute('alt')).toBe('Logo');
    expect(render('![](plan.png)')).toContain('alt=""');
    const links = [...document.querySelectorAll('a')].map((a) => [a.getAttribute('href'), a.getAttribute('rel')]);
    expect(links).toEqual([
      ['/metropole/voirie/src/branch/main/docs/guide.md', null],
      ['https://example.org', 'nofollow noopener noreferrer'],
      ['mailto:voirie@example.org', null],
    ]);
    expect(document.querySelector('kbd')?.textContent).toBe('Ctrl');
  });

  it('sends other sites\' images through the image proxy, in src and in srcset', () => {
    const html = render('<img src="https://tracker.example/pixel.png" srcset="https://tracker.example/a.png 1x, b.png 2x">');
    expect(html).not.toContain('https://tracker.example');
    expect(html).toContain(`src="/image-proxy?url=${encodeURIComponent('https://tracker.example/pixel.png')}"`);
    expect(html).toContain('/metropole/voirie/raw/branch/main/docs/b.png 2x');
  });

  it('keeps nothing that runs or loads from generated documents mixing the vectors with Markdown and text', () => {
    const piece = fc.oneof(
      fc.constantFrom(...VECTORS),
      fc.constantFrom('# ', '\n\n', '*', '`', '```\n', '> ', '- [ ] ', '<', '>', '"', "'", '=', '&#', ';', 'javascript:', '<a href="', '<img src=', '</', 'on', 'error='),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (pieces) => {
        expect(dangers(render(pieces.join('')))).toEqual([]);
      }),
      { numRuns: 200, seed: 20_261_202 },
    );
  });
});

describe("Gitea's POST /markdown", () => {
  it('answers the rendered text with a policy that runs nothing, should a page on another site post a form to it', async () => {
    const server = await startServer();
    try {
      const res = await fetch(`${server.url}/api/v1/markdown`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ Text: '**Bonjour** <img src=x onerror=alert(1)>', Mode: 'gfm' }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; img-src 'self' data: https:; style-src 'unsafe-inline'; sandbox");
      const html = await res.text();
      expect(html).toContain('<strong>Bonjour</strong>');
      expect(dangers(html)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
