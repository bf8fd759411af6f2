import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { gitDate } from '../../../git/read.js';
import { RepoUrls, presentContents } from '../../../presenters/browse.js';
import { FileResponse, ProposedChange, type FileCommit } from '../../../../contract/contents.js';
import { proposeChange, writeFile, type FileWrite, type WrittenFile } from '../../../services/web-edit.js';
import { invalid } from '../../../errors.js';
import { presentRepos, redirectRenamedRepo } from '../repos/present.js';
import { presentPulls, pullContext } from '../pulls/context.js';
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

const PathParams = Type.Object({ owner: Type.String(), repo: Type.String(), '*': Type.String({ minLength: 1 }) });

/**
 * Edit on the web: Gitea's create (POST) and update (PUT) of one file, a commit written in-process
 * on top of the branch; and Fabrique's "propose a change" for the file page, which commits to a
 * new branch (in the user's fork when they may not write) and opens the pull request.
 */
const contentsWriteRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { config } = fastify.forge;
  const ctx = pullContext(fastify);
  fastify.addHook('preHandler', redirectRenamedRepo(fastify));

  function fileWrite(path: string, body: FileOptions): FileWrite {
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
    };
  }

  function commitJson(written: WrittenFile): FileCommit {
    const urls = new RepoUrls(config.baseUrl, written.repo);
    const { commit } = written;
    const person = (p: typeof commit.author) => ({ name: p.name, email: p.email, date: gitDate(p) });
    return {
      url: `${urls.api}/git/commits/${commit.oid}`,
      html_url: `${urls.html}/commit/${commit.oid}`,
      sha: commit.oid,
      created: gitDate(commit.committer),
      author: person(commit.author),
      committer: person(commit.committer),
      parents: commit.parents.map((sha) => ({ url: `${urls.api}/git/commits/${sha}`, sha })),
      message: commit.message,
      tree: { url: `${urls.api}/git/trees/${commit.tree}`, sha: commit.tree },
    };
  }

  function fileResponse(written: WrittenFile): Static<typeof FileResponse> {
    const urls = new RepoUrls(config.baseUrl, written.repo);
    const ref = { oid: written.commit.oid, kind: 'branch' as const, name: written.branch };
    return {
      content: presentContents(urls, ref, written.entry, { size: 0, lastCommit: written.commit.oid }),
      commit: commitJson(written),
      verification: { verified: false, reason: 'gpg.error.not_signed_commit', signature: '', payload: '' },
    };
  }

  async function write(request: FastifyRequest, params: Static<typeof PathParams>, body: FileOptions, mode: 'create' | 'update') {
    const repo = fastify.policy.requireRepo(request.actor, params.owner, params.repo, 'repo:write');
    return fileResponse(await writeFile(ctx, repo, request.actor, fileWrite(params['*'], body), mode));
  }

  fastify.post(
    '/repos/:owner/:repo/contents/*',
    { config: { scope: 'write:repository' }, schema: { tags, params: PathParams, body: FileOptions, response: { 201: FileResponse, ...errors } } },
    async (request, reply) => reply.status(201).send(await write(request, request.params, request.body, 'create')),
  );

  fastify.put(
    '/repos/:owner/:repo/contents/*',
    { config: { scope: 'write:repository' }, schema: { tags, params: PathParams, body: FileOptions, response: { 200: FileResponse, ...errors } } },
    async (request) => write(request, request.params, request.body, 'update'),
  );

  fastify.post(
    '/repos/:owner/:repo/contents-propose/*',
    { config: { scope: 'write:repository' }, schema: { tags, params: PathParams, body: ProposeOptions, response: { 201: ProposedChange, ...errors } } },
    async (request, reply) => {
      fastify.policy.signedIn(request.actor);
      const repo = fastify.policy.requireRepo(request.actor, request.params.owner, request.params.repo, 'repo:read');
      const file = fileWrite(request.params['*'], request.body);
      const result = await proposeChange(ctx, repo, request.actor, {
        ...file,
        mode: request.body.sha ? 'update' : 'create',
        title: request.body.title,
        body: request.body.body,
      });
      return reply.status(201).send({
        pull: presentPulls(fastify, request, repo, [result.pull])[0],
        forked: result.forked,
        branch: result.written.branch,
        repository: presentRepos(fastify, request, [result.written.repo])[0],
        commit: commitJson(result.written),
      });
    },
  );
};

export default contentsWriteRoutes;
