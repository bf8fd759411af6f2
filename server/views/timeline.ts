import { listComments } from '../db/comments.js';
import { listIssueComments } from '../db/issues.js';
import { findRepoById, type RepoRow } from '../db/repos.js';
import { listIssueEvents, listPullEvents, type TimelineRow } from '../db/timeline.js';
import type { Actor } from '../auth/policy.js';
import { findUserById } from '../db/users.js';
import { git } from '../git/exec.js';
import { repoPath } from '../git/store.js';
import { presentUser } from '../presenters/user.js';
import { findTeamById } from '../db/teams.js';
import { presentTeam } from '../presenters/team.js';
import type { TimelineComment, TimelineCommit } from '../../contract/timeline.js';
import type { UserSummary } from '../../contract/users.js';
import type { ReadContext } from './context.js';
import type { ConversationOf } from './issues.js';
import { filterAsync } from '../lib/async.js';

/** The subjects of commits of a repository, read in one git process. */
async function commitSubjects(gitdir: string, oids: string[]): Promise<Map<string, string>> {
  if (oids.length === 0) return new Map();
  const { stdout } = await git(['log', '--no-walk=unsorted', '--format=%H %s', ...oids], { cwd: gitdir }).catch(() => ({ stdout: '' }));
  return new Map(stdout.split('\n').filter(Boolean).map((line) => [line.slice(0, 40), line.slice(41)] as const));
}

const pushBody = (row: Pick<TimelineRow, 'type' | 'body'>): { is_force_push: boolean; commit_ids: string[] } =>
  row.type === 'pull_push' ? (JSON.parse(row.body) as { is_force_push: boolean; commit_ids: string[] }) : { is_force_push: false, commit_ids: [] };

/**
 * An issue's or a pull request's conversation as Gitea's timeline: its comments and its events
 * (pushes with their commits, reviews, merges, branch deletions, title changes, labels, assignees,
 * milestones, references, closes), oldest first. A reference from a repository the actor may not
 * read is left out. `render` turns a comment's Markdown into sanitised HTML.
 */
export async function conversationTimeline(ctx: ReadContext, actor: Actor, base: RepoRow, conversation: ConversationOf, render: (text: string) => string): Promise<TimelineComment[]> {
  const { db, config } = ctx;
  const number = conversation.number;
  const users = new Map<number, UserSummary | null>();
  const user = async (id: number | null): Promise<UserSummary | null> => {
    if (id === null) return null;
    if (!users.has(id)) {
      const row = await findUserById(db, id);
      users.set(id, row ? presentUser(row, config.baseUrl) : null);
    }
    return users.get(id) ?? null;
  };
  /** A review request's team (of the repository's organisation), or null when it was deleted. */
  const team = async (id: number | null): Promise<TimelineComment['assignee_team']> => {
    const row = id === null ? undefined : await findTeamById(db, id);
    return row ? presentTeam(row, await findUserById(db, row.org_id) ?? null, config.baseUrl) : null;
  };
  const pullUrl = `${config.baseUrl}/${base.owner_name}/${base.name}/${conversation.kind === 'pull' ? 'pulls' : 'issues'}/${number}`;
  const apiUrl = `${config.baseUrl}/api/v1/repos/${base.owner_name}/${base.name}`;
  const blank = {
    body_html: '',
    pull_request_url: conversation.kind === 'pull' ? pullUrl : '',
    issue_url: `${apiUrl}/issues/${number}`,
    old_title: '',
    new_title: '',
    old_ref: '',
    new_ref: '',
    ref_commit_sha: '',
    review_id: 0,
    review_state: '',
    assignee: null,
    assignee_team: null,
    commits: [] as TimelineCommit[],
    is_force_push: false,
    ref_issue_number: 0,
    ref_repository: '',
    label_name: '',
    label_color: '',
    milestone_title: '',
  };
  const sources = new Map<number, RepoRow | null>();
  /** A reference's source repository, or null when the actor may not read it (the event is then not shown). */
  const source = async (id: number): Promise<RepoRow | null> => {
    if (!sources.has(id)) {
      const repo = await findRepoById(db, id);
      sources.set(id, repo && await ctx.policy.can(actor, 'repo:read', { type: 'repo', repo }) ? repo : null);
    }
    return sources.get(id) ?? null;
  };
  const allEvents = (conversation.kind === 'pull' ? await listPullEvents(db, conversation.pull.id) : await listIssueEvents(db, conversation.issue.id)  );
  const events = await filterAsync(allEvents, async (e) => e.ref_repo_id === null || (await source(e.ref_repo_id)) !== null);
  const comments = conversation.kind === 'pull' ? await listComments(db, conversation.pull.id) : await listIssueComments(db, conversation.issue.id);
  const subjects = await commitSubjects(repoPath(config.reposDir, base.owner_name, base.name), [...new Set(events.flatMap((e) => pushBody(e).commit_ids))]);
  const entries: TimelineComment[] = [
    ...await Promise.all(comments.map(async (c) => ({
      ...blank,
      id: c.id,
      type: 'comment',
      user: await user(c.poster_id),
      body: c.body,
      body_html: render(c.body),
      created_at: c.created_at,
      updated_at: c.updated_at,
      html_url: `${pullUrl}#issuecomment-${c.id}`,
    }))),
    ...await Promise.all(events.map(async (e) => {
      const push = pushBody(e);
      return {
        ...blank,
        // Events are numbered apart from comments: a page tells them apart by type and id.
        id: e.id,
        type: e.type,
        user: await user(e.actor_id),
        body: e.type === 'review' ? (e.review_body ?? '') : e.body,
        body_html: e.type === 'review' && e.review_body ? render(e.review_body) : '',
        created_at: e.created_at,
        updated_at: e.created_at,
        html_url: `${pullUrl}#event-${e.id}`,
        old_title: e.old_title,
        new_title: e.new_title,
        old_ref: e.old_ref,
        new_ref: e.new_ref,
        ref_commit_sha: e.commit_sha,
        review_id: e.review_id ?? 0,
        review_state: e.review_state ?? '',
        assignee: await user(e.target_user_id),
        assignee_team: await team(e.target_team_id),
        commits: push.commit_ids.map((sha) => ({ sha, subject: subjects.get(sha) ?? '' })),
        is_force_push: push.is_force_push,
        ref_issue_number: e.ref_pull_number ?? e.ref_number ?? 0,
        ref_repository: e.ref_repo_id === null || e.ref_repo_id === base.id ? '' : `${(await source(e.ref_repo_id))?.owner_name}/${(await source(e.ref_repo_id))?.name}`,
        label_name: e.label_name ?? '',
        label_color: e.label_color ?? '',
        milestone_title: e.milestone_title ?? '',
      };
    })),
  ];
  return entries.sort((a, b) => a.created_at.localeCompare(b.created_at) || (a.type === 'comment' ? -1 : 0) - (b.type === 'comment' ? -1 : 0) || a.id - b.id);
}
