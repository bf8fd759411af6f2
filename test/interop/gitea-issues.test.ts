import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giteaApi, type Api } from 'gitea-js';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { commitFiles, git, repoUrl, tempDir } from '../helpers/git.js';

/** The issue tracker as gitea-js (Gitea's own generated client) calls it, against a real Fabrique. */
describe('Gitea issues through gitea-js', () => {
  let server: TestServer;
  let client: Api<unknown>;
  let reporterClient: Api<unknown>;
  const owner = 'tracker-owner';
  const reporter = 'tracker-reporter';
  const repo = 'tracker';

  beforeAll(async () => {
    // setup: a public repository with an issue template on its default branch; two accounts past the new-account limit.
    server = await startServer();
    const { db } = server.app.forge;
    const maintainer = await buildUser(db, { username: owner });
    const other = await buildUser(db, { username: reporter });
    await db.prepare("UPDATE users SET created_at = '2020-01-01T00:00:00.000Z'").run();
    await buildRepo(db, server.config.reposDir, maintainer, { name: repo });
    const token = await buildToken(db, maintainer, ['all']);
    client = giteaApi(server.url, { token });
    reporterClient = giteaApi(server.url, { token: await buildToken(db, other, ['write:issue', 'read:repository']) });
    const work = tempDir('fabrique-gitea-issues-');
    await git(['init', '-q', '--initial-branch=main', work]);
    await commitFiles(
      work,
      {
        'README.md': '# Tracker\n',
        '.gitea/ISSUE_TEMPLATE/bug.md': '---\nname: "Bug report"\nabout: Something is broken\ntitle: "[bug] "\nlabels: ["bug"]\n---\nWhat happened?\n',
      },
      'Initial commit',
    );
    await git(['push', '-q', repoUrl(server.url, owner, repo, { user: owner, secret: token }), 'main'], { cwd: work });
  });
  afterAll(async () => server?.close());

  it('creates an issue with labels, milestone and assignee, reads, edits and closes it in Gitea\'s shapes', async () => {
    // test
    const bug = await client.repos.issueCreateLabel(owner, repo, { name: 'bug', color: '#ee0701', description: 'Something is broken' });
    expect(bug.status).toBe(201);
    expect(bug.data).toMatchObject({ name: 'bug', color: 'ee0701', description: 'Something is broken', exclusive: false });
    const milestone = await client.repos.issueCreateMilestone(owner, repo, { title: 'v1.0', description: 'First release' });
    expect(milestone.status).toBe(201);
    expect(milestone.data).toMatchObject({ title: 'v1.0', state: 'open', open_issues: 0, closed_issues: 0 });

    const created = await client.repos.issueCreateIssue(owner, repo, {
      title: 'The map does not load',
      body: 'Steps: open **the map**',
      labels: [bug.data.id as number],
      milestone: milestone.data.id,
      assignees: [owner],
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      number: 1,
      title: 'The map does not load',
      body: 'Steps: open **the map**',
      state: 'open',
      is_locked: false,
      comments: 0,
      user: { login: owner },
      labels: [{ name: 'bug' }],
      milestone: { title: 'v1.0' },
      assignees: [{ login: owner }],
      assignee: { login: owner },
      pull_request: null,
      repository: { owner, name: repo, full_name: `${owner}/${repo}` },
      html_url: `${server.url}/${owner}/${repo}/issues/1`,
    });
    const read = await client.repos.issueGetIssue(owner, repo, 1);
    expect(read.data).toMatchObject({ number: 1, id: created.data.id, closed_at: null });
    expect((await client.repos.issueGetMilestone(owner, repo, String(milestone.data.id))).data).toMatchObject({ open_issues: 1 });

    const edited = await client.repos.issueEditIssue(owner, repo, 1, { title: 'The map does not load on mobile', state: 'closed' });
    expect(edited.status).toBe(201);
    expect(edited.data).toMatchObject({ title: 'The map does not load on mobile', state: 'closed' });
    expect(edited.data.closed_at).toEqual(expect.any(String));
    expect((await client.repos.issueGetMilestone(owner, repo, String(milestone.data.id))).data).toMatchObject({ open_issues: 0, closed_issues: 1 });
    const reopened = await client.repos.issueEditIssue(owner, repo, 1, { state: 'open' });
    expect(reopened.data).toMatchObject({ state: 'open', closed_at: null });
  });

  it('lists issues with each filter, pages them, and finds them through the search across repositories', async () => {
    // setup: a second issue, by another account, without label, milestone or assignee.
    const second = await reporterClient.repos.issueCreateIssue(owner, repo, { title: 'Typo in the footer', body: 'It says "Fabirque"' });
    expect(second.status).toBe(201);
    const numbers = (issues: { number?: number }[]) => issues.map((i) => i.number);
    // test
    const all = await client.repos.issueListIssues(owner, repo, { state: 'all', type: 'issues' });
    expect(numbers(all.data)).toEqual([second.data.number, 1]);
    expect(all.headers.get('x-total-count')).toBe('2');
    expect(numbers((await client.repos.issueListIssues(owner, repo, { labels: 'bug' })).data)).toEqual([1]);
    expect(numbers((await client.repos.issueListIssues(owner, repo, { milestones: 'v1.0' })).data)).toEqual([1]);
    expect(numbers((await client.repos.issueListIssues(owner, repo, { created_by: reporter })).data)).toEqual([second.data.number]);
    expect(numbers((await client.repos.issueListIssues(owner, repo, { assigned_by: owner })).data)).toEqual([1]);
    expect(numbers((await client.repos.issueListIssues(owner, repo, { q: 'Fabirque' })).data)).toEqual([second.data.number]);
    expect(numbers((await client.repos.issueListIssues(owner, repo, { state: 'closed' })).data)).toEqual([]);
    expect(numbers((await client.repos.issueListIssues(owner, repo, { type: 'pulls' })).data)).toEqual([]);
    const firstPage = await client.repos.issueListIssues(owner, repo, { limit: 1, page: 1 });
    expect(numbers(firstPage.data)).toEqual([second.data.number]);
    expect(firstPage.headers.get('link') ?? '').toContain('rel="next"');
    expect(numbers((await client.repos.issueListIssues(owner, repo, { limit: 1, page: 2 })).data)).toEqual([1]);

    const found = await client.repos.issueSearchIssues({ q: 'footer', type: 'issues' });
    expect(found.status).toBe(200);
    expect(found.data.map((i) => [i.number, i.repository?.full_name])).toEqual([[second.data.number, `${owner}/${repo}`]]);
    expect(numbers((await client.repos.issueSearchIssues({ labels: 'bug', state: 'all' })).data)).toEqual([1]);
  });

  it('comments, labels and reactions on an issue, and its timeline tells them', async () => {
    // test: comments
    const comment = await reporterClient.repos.issueCreateComment(owner, repo, 1, { body: 'Same here on Firefox' });
    expect(comment.status).toBe(201);
    expect(comment.data).toMatchObject({ body: 'Same here on Firefox', user: { login: reporter }, issue_url: `${server.url}/${owner}/${repo}/issues/1` });
    const edited = await reporterClient.repos.issueEditComment(owner, repo, comment.data.id as number, { body: 'Same here on Firefox 128' });
    expect(edited.data.body).toBe('Same here on Firefox 128');
    const comments = await client.repos.issueGetComments(owner, repo, 1);
    expect(comments.data.map((c) => c.body)).toEqual(['Same here on Firefox 128']);
    expect((await client.repos.issueGetIssue(owner, repo, 1)).data.comments).toBe(1);
    // A reporter who cannot write the repository does not label its issues.
    await expect(reporterClient.repos.issueAddLabel(owner, repo, 1, { labels: ['bug'] })).rejects.toMatchObject({ status: 403 });

    // labels, by name and by id, added, replaced, removed
    const ui = await client.repos.issueCreateLabel(owner, repo, { name: 'ui', color: '00aabb' });
    const added = await client.repos.issueAddLabel(owner, repo, 1, { labels: ['ui'] });
    expect(added.data.map((l) => l.name).sort()).toEqual(['bug', 'ui']);
    const replaced = await client.repos.issueReplaceLabels(owner, repo, 1, { labels: [ui.data.id as number] });
    expect(replaced.data.map((l) => l.name)).toEqual(['ui']);
    const removed = await client.repos.issueRemoveLabel(owner, repo, 1, ui.data.id as number);
    expect(removed.status).toBe(204);
    expect((await client.repos.issueGetLabels(owner, repo, 1)).data).toEqual([]);
    expect((await client.repos.issueListLabels(owner, repo)).data.map((l) => l.name)).toEqual(['bug', 'ui']);

    // reactions
    const reaction = await reporterClient.repos.issuePostIssueReaction(owner, repo, 1, { content: '+1' });
    expect(reaction.status).toBe(201);
    expect(reaction.data).toMatchObject({ content: '+1', user: { login: reporter } });
    expect((await reporterClient.repos.issuePostIssueReaction(owner, repo, 1, { content: '+1' })).status).toBe(200);
    await expect(reporterClient.repos.issuePostIssueReaction(owner, repo, 1, { content: 'not-an-emoji' })).rejects.toMatchObject({ status: 422 });
    expect((await client.repos.issueGetIssueReactions(owner, repo, 1)).data.map((r) => [r.content, r.user?.login])).toEqual([['+1', reporter]]);
    expect((await reporterClient.repos.issueDeleteIssueReaction(owner, repo, 1, { content: '+1' })).status).toBe(200);
    expect((await client.repos.issueGetIssueReactions(owner, repo, 1)).data).toEqual([]);

    // the timeline: the close and reopen of the first test, the comment, the label changes, in order
    const timeline = await client.repos.issueGetCommentsAndTimeline(owner, repo, 1);
    expect(timeline.status).toBe(200);
    const types = timeline.data.map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['change_title', 'close', 'reopen', 'comment', 'label']));
    expect(types.indexOf('close')).toBeLessThan(types.indexOf('comment'));
    expect(timeline.data.find((event) => event.type === 'comment')).toMatchObject({ body: 'Same here on Firefox 128', user: { login: reporter } });
  });

  it("reads the default branch's issue templates", async () => {
    // test
    const templates = await client.repos.repoGetIssueTemplates(owner, repo);
    expect(templates.status).toBe(200);
    expect(templates.data).toEqual([
      { name: 'Bug report', about: 'Something is broken', title: '[bug] ', labels: ['bug'], ref: '', content: 'What happened?\n', file_name: 'bug.md' },
    ]);
  });
});
