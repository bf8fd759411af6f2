import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { Feed } from 'feed';
import { commitsPage } from '../../views/browse.js';
import { releasesPage } from '../../views/releases.js';
import { ANONYMOUS } from '../../auth/policy.js';
import { notFound } from '../../errors.js';
import { isPubliclyReadable } from '../../services/repos.js';

const read = { scope: 'read:repository' } as const;
/** How many entries a feed carries: feed readers poll, and keep what they saw. */
const FEED_SIZE = 20;
const RepoParams = Type.Object({ owner: Type.String(), repo: Type.String() });
const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
/**
 * `feed` writes Atom titles as `type="html"`: a reader renders them as markup, so a title is
 * escaped first and reads as the text it is. RSS titles are plain text.
 */
const titleFor = (format: 'atom' | 'rss', text: string) => (format === 'atom' ? escapeHtml(text) : text);

/**
 * Atom (and RSS) feeds of a repository, built with `feed`: its releases, and the commits of a
 * branch. A private repository is a 404, as everywhere; drafts never appear, whoever asks, since
 * feed readers share what they fetch.
 */
const feedRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const reads = fastify.reads;
  const { config } = fastify.forge;

  const repoUrl = (request: FastifyRequest) => `${config.baseUrl}/${encodeURIComponent(request.repository.owner_name)}/${encodeURIComponent(request.repository.name)}`;

  // A shared cache may keep a feed anyone can read; a private repository's stays with its reader.
  const sendFeed = (reply: FastifyReply, feed: Feed, format: 'atom' | 'rss') => {
    const cache = isPubliclyReadable(reply.request.repository) ? 'public, max-age=300' : 'private, max-age=300';
    return format === 'atom'
      ? reply.type('application/atom+xml; charset=utf-8').header('cache-control', cache).send(feed.atom1())
      : reply.type('application/rss+xml; charset=utf-8').header('cache-control', cache).send(feed.rss2());
  };

  for (const format of ['atom', 'rss'] as const) {
    fastify.get(`/:owner/:repo/releases.${format}`, { config: read, schema: { hide: true, params: RepoParams } }, async (request, reply) => {
      const repo = request.repository;
      const home = repoUrl(request);
      // As anonymous: a writer's feed reader must not publish their drafts.
      const { items } = await releasesPage(reads, ANONYMOUS, repo, { limit: FEED_SIZE });
      const feed = new Feed({
        id: `${home}/releases`,
        title: titleFor(format, `${repo.owner_name}/${repo.name}: releases`),
        description: repo.description || undefined,
        link: `${home}/releases`,
        updated: new Date(items[0]?.published_at ?? items[0]?.created_at ?? repo.updated_at),
        generator: 'Fabrique',
        feedLinks: { atom: `${home}/releases.atom`, rss: `${home}/releases.rss` },
      });
      for (const release of items) {
        feed.addItem({
          id: release.html_url,
          title: titleFor(format, release.name),
          link: release.html_url,
          date: new Date(release.published_at ?? release.created_at),
          published: new Date(release.published_at ?? release.created_at),
          content: release.body_html,
          author: release.author ? [{ name: release.author.login, link: release.author.html_url }] : undefined,
        });
      }
      return sendFeed(reply, feed, format);
    });
  }

  fastify.get(
    '/:owner/:repo/atom/branch/*',
    { config: read, schema: { hide: true, params: Type.Object({ owner: Type.String(), repo: Type.String(), '*': Type.String({ maxLength: 255 }) }) } },
    async (request, reply) => {
      const repo = request.repository;
      const branch = request.params['*'];
      if (repo.is_empty || branch === '') throw notFound(`The branch "${branch}"`);
      const home = repoUrl(request);
      const { items } = await commitsPage(reads, repo, { sha: branch, limit: FEED_SIZE });
      const feed = new Feed({
        id: `${home}/commits/branch/${encodePath(branch)}`,
        title: titleFor('atom', `${repo.owner_name}/${repo.name}: ${branch}`),
        link: `${home}/commits/branch/${encodePath(branch)}`,
        updated: new Date(items[0]?.commit.committer.date ?? repo.updated_at),
        generator: 'Fabrique',
        feedLinks: { atom: `${home}/atom/branch/${encodePath(branch)}` },
      });
      for (const commit of items) {
        const [subject, ...rest] = commit.commit.message.split('\n');
        feed.addItem({
          id: commit.html_url,
          title: titleFor('atom', subject),
          link: commit.html_url,
          date: new Date(commit.commit.committer.date),
          description: rest.join('\n').trim() || undefined,
          author: [{ name: commit.commit.author.name }],
        });
      }
      return sendFeed(reply, feed, 'atom');
    },
  );
};

export default feedRoutes;
