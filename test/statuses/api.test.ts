import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorld, type PullWorld } from '../pulls/setup.js';
import { api, as } from '../helpers/http.js';
import { pushHistory, refOf } from '../helpers/git.js';
import { buildRepo, buildToken } from '../helpers/factories.js';
import { repoPath } from '../../server/git/store.js';
import type { CommitStatusEvent } from '../../server/services/events.js';

const statusCount = async (w: PullWorld) => await w.server.app.forge.db.prepare('SELECT count(*) FROM commit_statuses').pluck().get() as number;

describe('commit statuses (Gitea API)', () => {
  let w: PullWorld;
  let main: string;
  let feature: string;
  const events: CommitStatusEvent[] = [];
  beforeAll(async () => {
    // setup
    w = await makeWorld();
    main = refOf(w.path, 'refs/heads/main');
    feature = refOf(w.path, 'refs/heads/feature');
    w.server.app.events.subscribe('status', (event) => void events.push(event));
  });
  afterAll(() => w.server.close());

  const owner = () => w.maintainer.username;

  it('refuses anonymous, readers, read-only tokens and bad input, storing nothing', async () => {
    // test
    const body = { state: 'success', context: 'ci/test' };
    expect((await api(w.server.url, 'POST', `/repos/${owner()}/site/statuses/${main}`, { body })).status).toBe(401);
    const reader = await api(w.server.url, 'POST', `/repos/${owner()}/site/statuses/${main}`, { auth: as(w.tokens.contributor), body });
    expect(reader.status).toBe(403);
    const readOnly = await buildToken(w.server.app.forge.db, w.maintainer, ['read:repository']);
    expect((await api(w.server.url, 'POST', `/repos/${owner()}/site/statuses/${main}`, { auth: as(readOnly), body })).status).toBe(403);
    const auth = as(w.tokens.maintainer);
    const badState = await api(w.server.url, 'POST', `/repos/${owner()}/site/statuses/${main}`, { auth, body: { state: 'great' } });
    expect(badState.status).toBe(422);
    expect(badState.body.message).toEqual(expect.any(String));
    const script = await api(w.server.url, 'POST', `/repos/${owner()}/site/statuses/${main}`, { auth, body: { ...body, target_url: 'javascript:alert(1)' } });
    expect(script.status).toBe(422);
    expect(script.body.message).toMatch(/http/);
    const long = await api(w.server.url, 'POST', `/repos/${owner()}/site/statuses/${main}`, { auth, body: { ...body, description: 'x'.repeat(256) } });
    expect(long.status).toBe(422);
    const notSha = await api(w.server.url, 'POST', `/repos/${owner()}/site/statuses/main`, { auth, body });
    expect(notSha.status).toBe(422);
    const unknown = await api(w.server.url, 'POST', `/repos/${owner()}/site/statuses/${'a'.repeat(40)}`, { auth, body });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/commit/);
    expect(await statusCount(w)).toBe(0);
    expect(events).toHaveLength(0);
  });

  it('posts statuses, lists them newest first and combines the latest of each context', async () => {
    // test
    const auth = as(w.tokens.maintainer);
    const post = (sha: string, body: Record<string, string>) => api(w.server.url, 'POST', `/repos/${owner()}/site/statuses/${sha}`, { auth, body });
    const first = await post(feature, { state: 'pending', context: 'ci/test', description: 'Running', target_url: 'https://ci.example.org/1' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'pending', context: 'ci/test', description: 'Running', target_url: 'https://ci.example.org/1' });
    expect(first.body.creator.login).toBe(owner());
    expect(first.body.url).toContain(`/statuses/${feature}`);
    expect(events.at(-1)).toMatchObject({ sha: feature, state: 'pending', combinedState: 'pending', status: { id: first.body.id, context: 'ci/test', status: 'pending' } });

    expect((await post(feature, { state: 'success', context: 'ci/lint' })).status).toBe(201);
    let combined = await api(w.server.url, 'GET', `/repos/${owner()}/site/commits/feature/status`);
    expect(combined.status).toBe(200);
    expect(combined.body).toMatchObject({ state: 'pending', sha: feature, total_count: 2 });
    expect(combined.body.repository.full_name).toBe(`${owner()}/site`);

    expect((await post(feature, { state: 'success', context: 'ci/test' })).status).toBe(201);
    combined = await api(w.server.url, 'GET', `/repos/${owner()}/site/commits/${feature}/status`);
    expect(combined.body.state).toBe('success');
    expect(combined.body.statuses.map((s: { context: string; status: string }) => `${s.context}:${s.status}`).sort()).toEqual(['ci/lint:success', 'ci/test:success']);
    expect(events.at(-1)?.combinedState).toBe('success');

    expect((await post(feature, { state: 'failure', context: 'ci/lint' })).status).toBe(201);
    combined = await api(w.server.url, 'GET', `/repos/${owner()}/site/commits/feature/status`);
    expect(combined.body.state).toBe('failure');
    expect((await post(feature, { state: 'error', context: 'deploy' })).status).toBe(201);
    expect((await api(w.server.url, 'GET', `/repos/${owner()}/site/commits/feature/status`)).body.state).toBe('error');

    const all = await api(w.server.url, 'GET', `/repos/${owner()}/site/statuses/${feature}`);
    expect(all.status).toBe(200);
    expect(all.headers.get('x-total-count')).toBe('5');
    expect(all.body.map((s: { status: string }) => s.status)).toEqual(['error', 'failure', 'success', 'success', 'pending']);
    const failures = await api(w.server.url, 'GET', `/repos/${owner()}/site/commits/feature/statuses?state=failure`);
    expect(failures.body).toHaveLength(1);
    const oldest = await api(w.server.url, 'GET', `/repos/${owner()}/site/commits/feature/statuses?sort=oldest&limit=2&page=1`);
    expect(oldest.body.map((s: { status: string }) => s.status)).toEqual(['pending', 'success']);
    expect(oldest.headers.get('link')).toContain('rel="next"');

    // A branch, a tag or a commit id; an unknown one is a 404; a commit without statuses combines to ''.
    expect((await api(w.server.url, 'GET', `/repos/${owner()}/site/commits/nope/status`)).status).toBe(404);
    const bare = await api(w.server.url, 'GET', `/repos/${owner()}/site/commits/main/status`);
    expect(bare.body).toMatchObject({ state: '', total_count: 0, statuses: [] });

    // GitLab v4, read-only: the latest status of each name, in GitLab's words.
    const gitlab = await fetch(`${w.server.url}/api/v4/projects/${owner()}%2Fsite/repository/commits/feature/statuses`);
    expect(gitlab.status).toBe(200);
    const gitlabStatuses = (await gitlab.json()) as Array<{ name: string; status: string; sha: string; author: { username: string } }>;
    expect(gitlabStatuses.map((s) => `${s.name}:${s.status}`)).toEqual(['deploy:failed', 'ci/lint:failed', 'ci/test:success']);
    expect(gitlabStatuses[0]).toMatchObject({ sha: feature, author: { username: owner() } });

    const states = await api(w.server.url, 'GET', `/repos/${owner()}/site/commit_states?shas=${feature},${main}`);
    expect(states.status).toBe(200);
    expect(states.body).toEqual({ [feature]: { state: 'error', total_count: 3 } });
  });

  it('answers 404 for a private repository to those who may not read it', async () => {
    // setup
    const { db } = w.server.app.forge;
    await buildRepo(db, w.server.config.reposDir, w.maintainer, { name: 'secret', isPrivate: true });
    const [sha] = pushHistory(repoPath(w.server.config.reposDir, owner(), 'secret'), [{ message: 'Secret', files: { 'a.txt': 'a\n' } }]);
    const posted = await api(w.server.url, 'POST', `/repos/${owner()}/secret/statuses/${sha}`, { auth: as(w.tokens.maintainer), body: { state: 'success' } });
    expect(posted.status).toBe(201);
    expect(posted.body.context).toBe('default');
    // test
    for (const auth of [undefined, as(w.tokens.outsider)]) {
      expect((await api(w.server.url, 'GET', `/repos/${owner()}/secret/statuses/${sha}`, { auth })).status).toBe(404);
      expect((await api(w.server.url, 'GET', `/repos/${owner()}/secret/commits/${sha}/status`, { auth })).status).toBe(404);
      expect((await api(w.server.url, 'GET', `/repos/${owner()}/secret/commit_states?shas=${sha}`, { auth })).status).toBe(404);
      expect((await api(w.server.url, 'POST', `/repos/${owner()}/secret/statuses/${sha}`, { auth: auth ?? as(w.tokens.outsider), body: { state: 'failure' } })).status).toBe(404);
    }
    expect((await fetch(`${w.server.url}/api/v4/projects/${owner()}%2Fsecret/repository/commits/${sha}/statuses`)).status).toBe(404);
    expect((await api(w.server.url, 'GET', `/repos/${owner()}/secret/commits/${sha}/status`, { auth: as(w.tokens.maintainer) })).body.state).toBe('success');
  });
});
