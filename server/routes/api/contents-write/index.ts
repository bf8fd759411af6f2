import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { presentFileCommit, presentFileResponse, presentFilesResponse } from '../../../presenters/file-commit.js';
import { ChangeFileOperation, FileResponse, FilesResponse, ProposedChange } from '../../../../contract/contents.js';
import { changeFiles, proposeChange, writeFile, type FileWrite, type FilesWrite } from '../../../services/web-edit.js';
import { presentPulls } from '../../../views/pull-request.js';
import { presentRepos } from '../../../views/repository.js';
import { invalid } from '../../../errors.js';
import { languageOf } from '../../../lib/shell.js';
import type { Language } from '../../../../contract/languages.js';
import { pullContext } from '../pulls/context.js';
import { errors } from '../pulls/schema.js';

const tags = ['repository'];

const Identity = Type.Object({ name: Type.Optional(Type.String({ maxLength: 255 })), email: Type.Optional(Type.String({ maxLength: 255 })) });

/** Gitea's CreateFileOptions / UpdateFileOptions. */
const FileOptions = Type.Object({
  content: Type.String({ maxLength: 14 * 1024 * 1024, description: 'The file content, base64' }),
  message: Type.Optional(Type.String({ maxLength: 65535 })),
  branch: Type.Optional(Type.String({ maxLength: 255 })),
  new_branch: Type.Optional(Type.String({ maxLength: 255 })),
  sha: Type.Optional(Type.String({ pattern: '^[0-9a-f]{40}$' })),
  author: Type.Optional(Identity),
  committer: Type.Optional(Identity),
});
type FileOptions = Static<typeof FileOptions>;

const ProposeOptions = Type.Composite([FileOptions, Type.Object({ title: Type.Optional(Type.String({ maxLength: 255 })), body: Type.Optional(Type.String({ maxLength: 65535 })) })]);

/** Gitea's ChangeFilesOptions: several files in one commit. */
const ChangeFilesOptions = Type.Object({
  files: Type.Array(ChangeFileOperation, { minItems: 1, maxItems: 1000 }),
  message: Type.Optional(Type.String({ maxLength: 65535 })),
  branch: Type.Optional(Type.String({ maxLength: 255 })),
  new_branch: Type.Optional(Type.String({ maxLength: 255 })),
  author: Type.Optional(Identity),
  committer: Type.Optional(Identity),
});
type ChangeFilesOptions = Static<typeof ChangeFilesOptions>;

/**
 * What one ChangeFiles request may carry, base64 included: the app's own body limit, said here so
 * that a change to either is seen. Fastify answers 413 above it, before anything is decoded.
 */
const CHANGE_FILES_BODY_LIMIT = 10 * 1024 * 1024;

const RepoParams = Type.Object({ owner: Type.String(), repo: Type.String() });

const PathParams = Type.Object({ owner: Type.String(), repo: Type.String(), '*': Type.String({ minLength: 1 }) });

const decode = (content: string | undefined, path: string) => {
  if (content !== undefined && !/^[A-Za-z0-9+/=\s]*$/.test(content)) throw invalid(`The content of "${path}" must be base64.`, { field: 'content' });
  return Buffer.from(content ?? '', 'base64');
};

/** Gitea's ChangeFilesOptions as the web edit service takes them: clean paths, decoded contents, empty strings as absent. */
function filesWrite(body: ChangeFilesOptions, language: Language): FilesWrite {
  const clean = (path: string) => path.replace(/^\/+|\/+$/g, '');
  const person = (p?: { name?: string; email?: string }) => (p ? { ...(p.name ? { name: p.name } : {}), ...(p.email ? { email: p.email } : {}) } : undefined);
  return {
    files: body.files.map((f) => ({
      operation: f.operation,
      path: clean(f.path),
      content: f.operation === 'delete' ? undefined : decode(f.content, f.path),
      fromPath: f.from_path ? clean(f.from_path) : undefined,
      sha: f.sha,
    })),
    message: body.message,
    branch: body.branch || undefined,
    newBranch: body.new_branch || undefined,
    author: person(body.author),
    committer: person(body.committer),
    language,
  };
}

/** Gitea's file options as the web edit service takes them: a clean path, the decoded content, empty strings as absent. */
function fileWrite(path: string, body: FileOptions, language: Language): FileWrite {
  const clean = path.replace(/^\/+|\/+$/g, '');
  if (!/^[A-Za-z0-9+/=\s]*$/.test(body.content)) throw invalid('content must be base64.', { field: 'content' });
  const person = (p?: { name?: string; email?: string }) => (p ? { ...(p.name ? { name: p.name } : {}), ...(p.email ? { email: p.email } : {}) } : undefined);
  return {
    path: clean,
    content: Buffer.from(body.content, 'base64'),
    message: body.message,
    branch: body.branch || undefined,
    newBranch: body.new_branch || undefined,
    sha: body.sha,
    author: person(body.author),
    committer: person(body.committer),
    language,
  };
}

/**
 * Edit on the web: Gitea's create (POST) and update (PUT) of one file and its ChangeFiles (POST
 * /contents: several files in one commit), each a commit written in-process on top of the branch; and Fabrique's "propose a change" for the file page, which commits to a
 * new branch (in the user's fork when they may not write) and opens the pull request.
 */
const contentsWriteRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { config } = fastify.forge;
  const ctx = pullContext(fastify);
  const reads = fastify.reads;

  fastify.post(
    '/repos/:owner/:repo/contents/*',
    { config: { scope: 'write:repository', repoAction: 'repo:write' }, schema: { tags, params: PathParams, body: FileOptions, response: { 201: FileResponse, ...errors } } },
    async (request, reply) => {
      const written = await writeFile(ctx, request.repository, request.actor, fileWrite(request.params['*'], request.body, languageOf(request.headers)), 'create');
      return reply.status(201).send(presentFileResponse(config.baseUrl, written));
    },
  );

  fastify.post(
    '/repos/:owner/:repo/contents',
    {
      bodyLimit: CHANGE_FILES_BODY_LIMIT,
      config: { scope: 'write:repository', repoAction: 'repo:write' },
      schema: { tags, params: RepoParams, body: ChangeFilesOptions, response: { 201: FilesResponse, ...errors } },
    },
    async (request, reply) => {
      const written = await changeFiles(ctx, request.repository, request.actor, filesWrite(request.body, languageOf(request.headers)));
      return reply.status(201).send(presentFilesResponse(config.baseUrl, written));
    },
  );

  fastify.put(
    '/repos/:owner/:repo/contents/*',
    { config: { scope: 'write:repository', repoAction: 'repo:write' }, schema: { tags, params: PathParams, body: FileOptions, response: { 200: FileResponse, ...errors } } },
    async (request) => presentFileResponse(config.baseUrl, await writeFile(ctx, request.repository, request.actor, fileWrite(request.params['*'], request.body, languageOf(request.headers)), 'update')),
  );

  fastify.post(
    '/repos/:owner/:repo/contents-propose/*',
    { config: { scope: 'write:repository' }, schema: { tags, params: PathParams, body: ProposeOptions, response: { 201: ProposedChange, ...errors } } },
    async (request, reply) => {
      fastify.policy.signedIn(request.actor);
      const repo = request.repository;
      const file = fileWrite(request.params['*'], request.body, languageOf(request.headers));
      const result = await proposeChange(ctx, repo, request.actor, {
        ...file,
        mode: request.body.sha ? 'update' : 'create',
        title: request.body.title,
        body: request.body.body,
      });
      return reply.status(201).send({
        pull: (await presentPulls(reads, request.actor, repo, [result.pull]))[0],
        forked: result.forked,
        branch: result.written.branch,
        repository: (await presentRepos(reads, request.actor, [result.written.repo]))[0],
        commit: presentFileCommit(config.baseUrl, result.written),
      });
    },
  );
};

export default contentsWriteRoutes;
