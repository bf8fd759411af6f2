import type { FastifyPluginAsync } from 'fastify';
import { sitemapPages } from '../../views/page-head.js';

/** A sitemap holds at most 50,000 URLs. */
const SITEMAP_MAX = 25_000;

const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

/** `/robots.txt` and `/sitemap.xml`: public code should be found by search engines, the API and archives not crawled. */
const seoRoutes: FastifyPluginAsync = async (fastify) => {
  const { config } = fastify.forge;

  fastify.get('/robots.txt', { config: { scope: 'none' }, schema: { hide: true } }, async (_request, reply) => {
    const lines = [
      'User-agent: *',
      'Disallow: /api/',
      'Disallow: /*/*/archive/',
      'Disallow: /*/*/raw/',
      'Disallow: /user/',
      'Allow: /',
      '',
      `Sitemap: ${config.baseUrl}/sitemap.xml`,
      '',
    ];
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=3600').send(lines.join('\n'));
  });

  fastify.get('/sitemap.xml', { config: { scope: 'none' }, schema: { hide: true } }, async (_request, reply) => {
    const { repos, orgs } = await sitemapPages(fastify.reads, SITEMAP_MAX);
    const urls = [
      { path: '', updated_at: null as string | null },
      { path: 'explore', updated_at: null },
      ...orgs,
      ...repos,
    ].map((entry) => {
      const loc = `<loc>${escapeXml(`${config.baseUrl}/${encodePath(entry.path)}`)}</loc>`;
      const lastmod = entry.updated_at ? `<lastmod>${escapeXml(entry.updated_at.slice(0, 10))}</lastmod>` : '';
      return `  <url>${loc}${lastmod}</url>`;
    });
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
    return reply.type('application/xml; charset=utf-8').header('cache-control', 'public, max-age=600').send(xml);
  });
};

export default seoRoutes;
