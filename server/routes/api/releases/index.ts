import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import { Attachment, CreateReleaseOption, EditAttachmentOptions, EditReleaseOption, GeneratedNotes, GenerateNotesOption, Release } from '../../../../contract/releases.js';
import {
  addAttachment,
  checkUpload,
  createRelease,
  deleteAttachment,
  deleteRelease,
  downloadAttachment,
  editAttachment,
  editRelease,
  generateNotes,
} from '../../../services/releases.js';
import {
  attachmentByTag,
  attachmentByUuid,
  latestReleaseOf,
  releaseAsset,
  releaseAssets,
  releaseById,
  releaseByTag,
  releaseRow,
  releasesPage,
  type AttachmentRow,
} from '../../../views/releases.js';
import { gitlabReleases } from './gitlab.js';
import { invalid, notFound } from '../../../errors.js';
import { AssetParams, ListReleasesQuery, Message, ReleaseParams, TagParams, UploadQuery, attachmentDisposition, errors, releaseContext } from './schema.js';
import { paginate } from '../browse/reply.js';

const tags = ['release'];
const read = { scope: 'read:repository' } as const;
const write = { scope: 'write:repository', repoAction: 'repo:write' } as const;

/** Gitea's release API: `/repos/{o}/{r}/releases`, by id, by tag, latest, and assets. */
const giteaReleaseRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const reads = fastify.reads;
  const ctx = releaseContext(fastify);
  const { maxAttachmentBytes } = fastify.forge.config;
  // Uploads stream through busboy into a file: one file, a few small fields, nothing buffered.
  await fastify.register(multipart, { limits: { files: 1, fields: 5, fieldSize: 1024, parts: 6 } });

  fastify.get(
    '/repos/:owner/:repo/releases',
    { config: read, schema: { tags, params: Type.Object({ owner: Type.String(), repo: Type.String() }), querystring: ListReleasesQuery, response: { 200: Type.Array(Release), ...errors } } },
    async (request, reply) => {
      const { items, total } = await releasesPage(reads, request.actor, request.repository, request.query);
      paginate(request, reply, total, request.query);
      return items;
    },
  );

  fastify.post(
    '/repos/:owner/:repo/releases',
    { config: write, schema: { tags, params: Type.Object({ owner: Type.String(), repo: Type.String() }), body: CreateReleaseOption, response: { 201: Release, ...errors } } },
    async (request, reply) => {
      const row = await createRelease(ctx, request.repository, request.actor, request.body);
      return reply.status(201).send(await releaseById(reads, request.actor, request.repository, row.id));
    },
  );

  fastify.post(
    '/repos/:owner/:repo/releases/generate-notes',
    { config: write, schema: { tags, params: Type.Object({ owner: Type.String(), repo: Type.String() }), body: GenerateNotesOption, response: { 200: GeneratedNotes, ...errors } } },
    async (request) => await generateNotes(ctx, request.repository, request.actor, request.body.tag_name, request.body.previous_tag_name),
  );

  fastify.get(
    '/repos/:owner/:repo/releases/latest',
    { config: read, schema: { tags, params: Type.Object({ owner: Type.String(), repo: Type.String() }), response: { 200: Release, ...errors } } },
    async (request) => {
      const latest = await latestReleaseOf(reads, request.repository);
      if (!latest) throw notFound('The latest release');
      return latest;
    },
  );

  fastify.get(
    '/repos/:owner/:repo/releases/tags/:tag',
    { config: read, schema: { tags, params: TagParams, response: { 200: Release, ...errors } } },
    async (request) => await releaseByTag(reads, request.actor, request.repository, request.params.tag),
  );

  fastify.delete(
    '/repos/:owner/:repo/releases/tags/:tag',
    { config: write, schema: { tags, params: TagParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await deleteRelease(ctx, request.repository, request.actor, await releaseRow(reads, request.actor, request.repository, { tag: request.params.tag }));
      return reply.status(204).send(null);
    },
  );

  fastify.get(
    '/repos/:owner/:repo/releases/:id',
    { config: read, schema: { tags, params: ReleaseParams, response: { 200: Release, ...errors } } },
    async (request) => await releaseById(reads, request.actor, request.repository, request.params.id),
  );

  fastify.patch(
    '/repos/:owner/:repo/releases/:id',
    { config: write, schema: { tags, params: ReleaseParams, body: EditReleaseOption, response: { 200: Release, ...errors } } },
    async (request) => {
      await editRelease(ctx, request.repository, request.actor, request.params.id, request.body);
      return await releaseById(reads, request.actor, request.repository, request.params.id);
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/releases/:id',
    { config: write, schema: { tags, params: ReleaseParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await deleteRelease(ctx, request.repository, request.actor, await releaseRow(reads, request.actor, request.repository, { id: request.params.id }));
      return reply.status(204).send(null);
    },
  );

  fastify.get(
    '/repos/:owner/:repo/releases/:id/assets',
    { config: read, schema: { tags, params: ReleaseParams, response: { 200: Type.Array(Attachment), ...errors } } },
    async (request) => await releaseAssets(reads, request.actor, request.repository, request.params.id),
  );

  fastify.post(
    '/repos/:owner/:repo/releases/:id/assets',
    { config: write, schema: { tags, params: ReleaseParams, querystring: UploadQuery, response: { 201: Attachment, ...errors } } },
    async (request, reply) => {
      const { repository: repo, actor } = request;
      // Refused before a byte of the file is read.
      await checkUpload(ctx, repo, actor, request.params.id, request.query.name);
      if (!request.isMultipart()) throw invalid('Send the file as multipart/form-data, in the field "attachment".', { field: 'attachment' });
      const part = await request.file({ limits: { fileSize: maxAttachmentBytes }, throwFileSizeLimit: false });
      if (!part || part.fieldname !== 'attachment') throw invalid('Send the file in the multipart field "attachment".', { field: 'attachment' });
      const row = await addAttachment(ctx, repo, actor, {
        releaseId: request.params.id,
        name: request.query.name ?? part.filename,
        stream: part.file,
        limit: maxAttachmentBytes,
        tooLarge: () => part.file.truncated,
      });
      return reply.status(201).send(await releaseAsset(reads, actor, repo, request.params.id, row.id));
    },
  );

  fastify.get(
    '/repos/:owner/:repo/releases/:id/assets/:attachment_id',
    { config: read, schema: { tags, params: AssetParams, response: { 200: Attachment, ...errors } } },
    async (request) => await releaseAsset(reads, request.actor, request.repository, request.params.id, request.params.attachment_id),
  );

  fastify.patch(
    '/repos/:owner/:repo/releases/:id/assets/:attachment_id',
    { config: write, schema: { tags, params: AssetParams, body: EditAttachmentOptions, response: { 201: Attachment, ...errors } } },
    async (request, reply) => {
      const { repository: repo, actor, params } = request;
      await editAttachment(ctx, repo, actor, params.id, params.attachment_id, request.body.name);
      // Gitea answers an edited attachment with 201.
      return reply.status(201).send(await releaseAsset(reads, actor, repo, params.id, params.attachment_id));
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/releases/:id/assets/:attachment_id',
    { config: write, schema: { tags, params: AssetParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await deleteAttachment(ctx, request.repository, request.actor, request.params.id, request.params.attachment_id);
      return reply.status(204).send(null);
    },
  );
};

/** Gitea's download addresses: `/{owner}/{repo}/releases/download/{tag}/{name}` and `/attachments/{uuid}`, streamed and counted. */
const downloadRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const reads = fastify.reads;
  const store = { db: fastify.forge.db, dataDir: fastify.forge.config.dataDir };

  const send = async (reply: FastifyReply, row: AttachmentRow) => {
    const { stream, size } = await downloadAttachment(store, row);
    return reply
      .type('application/octet-stream')
      .header('content-length', String(size))
      .header('content-disposition', attachmentDisposition(row.name))
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-cache')
      .send(stream);
  };

  fastify.get(
    '/:owner/:repo/releases/download/*',
    // Files are sent as stored, with their length: never recompressed.
    { compress: false, config: read, schema: { params: Type.Object({ owner: Type.String(), repo: Type.String(), '*': Type.String() }), response: { 404: Message } } },
    async (request, reply) => {
      const rest = request.params['*'];
      const at = rest.lastIndexOf('/');
      if (at <= 0) throw notFound('The file');
      return await send(reply, await attachmentByTag(reads, request.actor, request.repository, rest.slice(0, at), rest.slice(at + 1)));
    },
  );

  fastify.get(
    '/attachments/:uuid',
    { compress: false, config: read, schema: { params: Type.Object({ uuid: Type.String({ maxLength: 64 }) }), response: { 404: Message } } },
    async (request, reply) => await send(reply, await attachmentByUuid(reads, request.actor, request.params.uuid)),
  );
};

/** Releases: Gitea's API under /api/v1, GitLab's read-only list under /api/v4, and the downloads. */
const releaseRoutes: FastifyPluginAsync = async (fastify) => {
  await fastify.register(giteaReleaseRoutes, { prefix: '/api/v1' });
  await fastify.register(gitlabReleases, { prefix: '/api/v4' });
  await fastify.register(downloadRoutes);
};

export default releaseRoutes;
