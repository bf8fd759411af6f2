import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '../../server/db/users.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { api, as } from '../helpers/http.js';
import { pushHistory } from '../helpers/git.js';
import { repoPath } from '../../server/git/store.js';
import { makeWorld, type PullWorld } from './setup.js';

describe('review requests (Gitea: /pulls/{index}/requested_reviewers)', () => {
  let w: PullWorld;
  let repo: string;
  let reviewer: UserRow;
  let reviewerToken: string;
  const requests = async () => await w.server.app.forge.db.prepare('SELECT count(*) FROM review_requests').pluck().get() as number;
  const ask = (token: string | null, body: unknown, method = 'POST') =>
    api(w.server.url, method, `${repo}/pulls/1/requested_reviewers`, { auth: token === null ? {} : as(token), body });

  beforeAll(async () => {
    // setup: the contributor opens pull request #1 on the maintainer's public repository
    w = await makeWorld();
    repo = `/repos/${w.maintainer.username}/site`;
    reviewer = await buildUser(w.server.app.forge.db);
    reviewerToken = await buildToken(w.server.app.forge.db, reviewer, ['all']);
    const pull = await api(w.server.url, 'POST', `${repo}/pulls`, { auth: as(w.tokens.contributor), body: { head: 'feature', base: 'main', title: 'Feature' } });
    expect(pull.status).toBe(201);
  });
  afterAll(() => w.server.close());

  it('refuses anonymous (401), a reader who is not the author (403) and reviewers who do not exist or wrote it (422), storing nothing', async () => {
    // test
    const anonymous = await ask(null, { reviewers: [reviewer.username] });
    expect(anonymous.status).toBe(401);
    const outsider = await ask(w.tokens.outsider, { reviewers: [reviewer.username] });
    expect(outsider.status).toBe(403);
    expect(outsider.body.message).toMatch(/writers/);
    const unknown = await ask(w.tokens.maintainer, { reviewers: ['nobody-here'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toMatch(/nobody-here/);
    const author = await ask(w.tokens.maintainer, { reviewers: [w.contributor.username] });
    expect(author.status).toBe(422);
    const teams = await ask(w.tokens.maintainer, { reviewers: [], team_reviewers: ['owners'] });
    expect(teams.status).toBe(422);
    const withdrawal = await ask(w.tokens.outsider, { reviewers: [reviewer.username] }, 'DELETE');
    expect(withdrawal.status).toBe(403);
    expect(await requests()).toBe(0);
  });

  it('lets the author ask; the reviewer is listed in requested_reviewers, on the timeline and notified; withdrawal is a 204', async () => {
    // test
    const asked = await ask(w.tokens.contributor, { reviewers: [reviewer.username], team_reviewers: [] });
    expect(asked.status).toBe(201);
    expect(asked.body).toHaveLength(1);
    expect(asked.body[0]).toMatchObject({ state: 'REQUEST_REVIEW', user: { login: reviewer.username }, pull_request_url: `${w.server.url}/${w.maintainer.username}/site/pulls/1` });
    // Asking again keeps one request, one event and one notification.
    expect((await ask(w.tokens.maintainer, { reviewers: [reviewer.username.toUpperCase()] })).status).toBe(201);
    const pull = await api(w.server.url, 'GET', `${repo}/pulls/1`);
    expect(pull.body.requested_reviewers.map((u: { login: string }) => u.login)).toEqual([reviewer.username]);
    const timeline = await api(w.server.url, 'GET', `${repo}/issues/1/timeline`);
    const events = timeline.body.filter((e: { type: string }) => e.type === 'review_request');
    expect(events.map((e: { user: { login: string }; assignee: { login: string }; body: string }) => [e.user.login, e.assignee.login, e.body])).toEqual([[w.contributor.username, reviewer.username, '1']]);
    const inbox = await api(w.server.url, 'GET', '/notifications', { auth: as(reviewerToken) });
    expect(inbox.status).toBe(200);
    expect(inbox.body.map((t: { reason: string; subject: { title: string } }) => [t.reason, t.subject.title])).toEqual([['review_requested', 'Feature']]);
    // test: withdrawal
    const withdrawn = await ask(w.tokens.maintainer, { reviewers: [reviewer.username] }, 'DELETE');
    expect(withdrawn.status).toBe(204);
    expect((await api(w.server.url, 'GET', `${repo}/pulls/1`)).body.requested_reviewers).toEqual([]);
    expect(await requests()).toBe(0);
    const after = await api(w.server.url, 'GET', `${repo}/issues/1/timeline`);
    const last = after.body.filter((e: { type: string }) => e.type === 'review_request').at(-1);
    expect([last.user.login, last.assignee.login, last.body]).toEqual([w.maintainer.username, reviewer.username, '']);
  });

  it('refuses a reviewer who cannot read a private repository (422), and hides the private repository from others (404)', async () => {
    // setup
    const { db } = w.server.app.forge;
    await buildRepo(db, w.server.config.reposDir, w.maintainer, { name: 'vault', isPrivate: true });
    const vault = `/repos/${w.maintainer.username}/vault`;
    pushHistory(repoPath(w.server.config.reposDir, w.maintainer.username, 'vault'), [
      { message: 'First', files: { 'README.md': '# Vault\n' } },
      { message: 'Change', branch: 'change', files: { 'README.md': '# Vault 2\n' } },
    ]);
    await db.prepare("UPDATE repositories SET is_empty = 0 WHERE name = 'vault'").run();
    const pull = await api(w.server.url, 'POST', `${vault}/pulls`, { auth: as(w.tokens.maintainer), body: { head: 'change', base: 'main', title: 'Secret change' } });
    expect(pull.status).toBe(201);
    // test
    const unreadable = await api(w.server.url, 'POST', `${vault}/pulls/1/requested_reviewers`, { auth: as(w.tokens.maintainer), body: { reviewers: [reviewer.username] } });
    expect(unreadable.status).toBe(422);
    expect(unreadable.body.message).toMatch(/cannot review/);
    const hidden = await api(w.server.url, 'POST', `${vault}/pulls/1/requested_reviewers`, { auth: as(reviewerToken), body: { reviewers: [w.outsider.username] } });
    expect(hidden.status).toBe(404);
    expect(await requests()).toBe(0);
    const inbox = await api(w.server.url, 'GET', '/notifications', { auth: as(reviewerToken) });
    expect(inbox.body.some((t: { subject: { title: string } }) => t.subject.title === 'Secret change')).toBe(false);
  });

  it("asks an organisation's team to review: listed in requested_teams, on the timeline, its members notified; refuses other teams, user repositories, outsiders and hides private ones", async () => {
    // setup: an organisation's repository with a pull request, a team reaching it with two members, and a team of another organisation
    const { db, config } = w.server.app.forge;
    const owner = as(w.tokens.maintainer);
    expect((await api(w.server.url, 'POST', '/orgs', { auth: owner, body: { username: 'atelier' } })).status).toBe(201);
    expect((await api(w.server.url, 'POST', '/orgs', { auth: owner, body: { username: 'ailleurs' } })).status).toBe(201);
    const org = await db.prepare("SELECT * FROM users WHERE lower_name = 'atelier'").get() as UserRow;
    await buildRepo(db, config.reposDir, org, { name: 'outils' });
    await buildRepo(db, config.reposDir, org, { name: 'coffre', isPrivate: true });
    for (const name of ['outils', 'coffre']) {
      pushHistory(repoPath(config.reposDir, 'atelier', name), [
        { message: 'First', files: { 'README.md': '# Outils\n' } },
        { message: 'Change', branch: 'change', files: { 'README.md': '# Outils 2\n' } },
      ]);
    }
    await db.prepare("UPDATE repositories SET is_empty = 0 WHERE owner_id = ?").run(org.id);
    const orgRepo = '/repos/atelier/outils';
    expect((await api(w.server.url, 'POST', `${orgRepo}/pulls`, { auth: owner, body: { head: 'change', base: 'main', title: 'Outils neufs' } })).status).toBe(201);
    expect((await api(w.server.url, 'POST', '/repos/atelier/coffre/pulls', { auth: owner, body: { head: 'change', base: 'main', title: 'Coffre' } })).status).toBe(201);
    const [alice, bruno] = await Promise.all([buildUser(db), buildUser(db)]);
    const team = async (org: string, name: string, members: UserRow[], repos: string[]) => {
      const made = await api(w.server.url, 'POST', `/orgs/${org}/teams`, { auth: owner, body: { name, units_map: { 'repo.code': 'read', 'repo.pulls': 'read' } } });
      expect(made.status).toBe(201);
      for (const m of members) expect((await api(w.server.url, 'PUT', `/teams/${made.body.id}/members/${m.username}`, { auth: owner })).status).toBe(204);
      for (const r of repos) expect((await api(w.server.url, 'PUT', `/teams/${made.body.id}/repos/${org}/${r}`, { auth: owner })).status).toBe(204);
    };
    await team('atelier', 'relecteurs', [alice, bruno], ['outils']);
    await team('atelier', 'sans-acces', [alice], []);
    await team('ailleurs', 'etrangers', [bruno], []);
    const teamRequests = async () => await db.prepare('SELECT count(*) FROM team_review_requests').pluck().get() as number;
    const askOrg = (token: string, body: unknown, method = 'POST', path = orgRepo) => api(w.server.url, method, `${path}/pulls/1/requested_reviewers`, { auth: as(token), body });

    // test: refusals store nothing
    const foreign = await askOrg(w.tokens.maintainer, { team_reviewers: ['etrangers'] });
    expect(foreign.status).toBe(422);
    expect(foreign.body.message).toMatch(/atelier has no team named etrangers/);
    const noAccess = await askOrg(w.tokens.maintainer, { team_reviewers: ['sans-acces'] });
    expect(noAccess.status).toBe(422);
    expect(noAccess.body.message).toMatch(/no access to atelier\/outils/);
    const userRepo = await askOrg(w.tokens.maintainer, { team_reviewers: ['relecteurs'] }, 'POST', repo);
    expect(userRepo.status).toBe(422);
    expect(userRepo.body.message).toMatch(/organisation/);
    const outsider = await askOrg(w.tokens.outsider, { team_reviewers: ['relecteurs'] });
    expect(outsider.status).toBe(403);
    const hidden = await askOrg(w.tokens.outsider, { team_reviewers: ['relecteurs'] }, 'POST', '/repos/atelier/coffre');
    expect(hidden.status).toBe(404);
    expect(await teamRequests()).toBe(0);

    // test: the request is listed, noted and notified to each member
    const asked = await askOrg(w.tokens.maintainer, { team_reviewers: ['Relecteurs'] });
    expect(asked.status).toBe(201);
    expect((await askOrg(w.tokens.maintainer, { team_reviewers: ['relecteurs'] })).status).toBe(201);
    const pull = await api(w.server.url, 'GET', `${orgRepo}/pulls/1`);
    expect(pull.body.requested_teams.map((t: { name: string; organization: { username: string } }) => [t.name, t.organization.username])).toEqual([['relecteurs', 'atelier']]);
    expect(pull.body.requested_reviewers).toEqual([]);
    const events = (await api(w.server.url, 'GET', `${orgRepo}/issues/1/timeline`)).body.filter((e: { type: string }) => e.type === 'review_request');
    expect(events.map((e: { body: string; assignee: unknown; assignee_team: { name: string } }) => [e.body, e.assignee, e.assignee_team.name])).toEqual([['1', null, 'relecteurs']]);
    for (const member of [alice, bruno]) {
      const inbox = await api(w.server.url, 'GET', '/notifications', { auth: as(await buildToken(db, member, ['all'])) });
      expect(inbox.status).toBe(200);
      expect(inbox.body.map((t: { reason: string; subject: { title: string } }) => [t.reason, t.subject.title])).toEqual([['review_requested', 'Outils neufs']]);
    }

    // test: withdrawal
    const withdrawn = await askOrg(w.tokens.maintainer, { team_reviewers: ['relecteurs'] }, 'DELETE');
    expect(withdrawn.status).toBe(204);
    expect((await api(w.server.url, 'GET', `${orgRepo}/pulls/1`)).body.requested_teams).toEqual([]);
    expect(await teamRequests()).toBe(0);
    const after = (await api(w.server.url, 'GET', `${orgRepo}/issues/1/timeline`)).body.filter((e: { type: string }) => e.type === 'review_request');
    expect(after.map((e: { body: string; assignee_team: { name: string } }) => [e.body, e.assignee_team.name])).toEqual([['1', 'relecteurs'], ['', 'relecteurs']]);
  });
});
