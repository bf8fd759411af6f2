import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { createHash } from 'node:crypto';
import { renderMarkdown } from '../../../services/render.js';
import { locateRepository } from '../../../views/repository.js';

const Message = Type.Object({ message: Type.String() }, { additionalProperties: true });

/** Gitea's MarkdownOption: `Context` is `owner/repo`, whose default branch relative links point to. */
const MarkdownOption = Type.Object({
  Text: Type.String({ maxLength: 65_535 }),
  Mode: Type.Optional(Type.String()),
  Context: Type.Optional(Type.String()),
  Wiki: Type.Optional(Type.Boolean()),
});

/**
 * Gitea's `POST /markdown`: a text rendered and sanitised as an issue or a comment will show it, so
 * that an editor's preview is exactly the result. A context the viewer may not read renders as none.
 */
const markdownRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    '/markdown',
    { config: { scope: 'read:misc' }, schema: { tags: ['miscellaneous'], body: MarkdownOption, response: { 200: Type.String(), 422: Message } } },
    async (request, reply) => {
      const [owner = '', name = ''] = (request.body.Context ?? '').split('/');
      const location = owner && name ? await locateRepository(fastify.reads, request.actor, owner, name) : null;
      const repo = location && 'repo' in location ? location.repo : null;
      const text = request.body.Text;
      const id = createHash('sha1').update(text).digest('hex');
      const base = repo ? { owner: repo.owner_name, repo: repo.name, kind: 'branch' as const, ref: repo.default_branch, dir: '' } : null;
      // Fetched by the editor's preview; opened as a page (a form posted from elsewhere), it runs
      // nothing and stays in an origin of its own.
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', "default-src 'none'; img-src 'self' data: https:; style-src 'unsafe-inline'; sandbox")
        .send(text ? renderMarkdown(text, `text:${id}`, base, fastify.reads.images) : '');
    },
  );
};

export default markdownRoutes;
