import type { RepoRow } from '../db/repos.js';
import type { ConversationRow, ContentHistoryRow, IssueCommentRow, ReactionRow } from '../db/issues.js';
import type { LabelRow } from '../db/labels.js';
import type { MilestoneRow } from '../db/milestones.js';
import type { PullRow } from '../db/pulls.js';
import type { IssueComment } from '../../contract/pulls.js';
import type { ContentHistory, Issue, Label, Milestone, Reaction } from '../../contract/issues.js';
import type { UserSummary } from '../../contract/users.js';
import { RepoUrls } from './browse.js';
import { isDraftTitle } from '../../contract/drafts.js';

/** A label as Gitea shows it; its url names the repository's or the organisation's label. */
/** A label as shown from a repository: an organisation's label keeps the organisation's url. */
export function presentLabelIn(baseUrl: string, label: LabelRow, repo: Pick<RepoRow, 'owner_name' | 'name'>): Label {
  return presentLabel(baseUrl, label, label.org_id !== null ? { org: repo.owner_name } : { repo });
}

export function presentLabel(baseUrl: string, label: LabelRow, owner: { repo: Pick<RepoRow, 'owner_name' | 'name'> } | { org: string }): Label {
  const url = 'repo' in owner ? `${new RepoUrls(baseUrl, owner.repo).api}/labels/${label.id}` : `${baseUrl}/api/v1/orgs/${encodeURIComponent(owner.org)}/labels/${label.id}`;
  return {
    id: label.id,
    name: label.name,
    exclusive: label.exclusive === 1,
    is_archived: label.is_archived === 1,
    color: label.color,
    description: label.description,
    url,
  };
}

/** A milestone with its progress, as Gitea shows it. */
export function presentMilestone(milestone: MilestoneRow): Milestone {
  return {
    id: milestone.id,
    title: milestone.title,
    description: milestone.description,
    state: milestone.state,
    open_issues: milestone.open_issues,
    closed_issues: milestone.closed_issues,
    created_at: milestone.created_at,
    updated_at: milestone.updated_at,
    closed_at: milestone.closed_at,
    due_on: milestone.due_on,
  };
}

/** What an issue's JSON gathers besides its own row. */
export interface IssueParts {
  repo: RepoRow;
  poster: UserSummary;
  bodyHtml: string;
  labels: Label[];
  milestone: Milestone | null;
  assignees: UserSummary[];
  comments: number;
  dueDate: string | null;
  /** For a pull request: the pull request itself. */
  pull: PullRow | null;
}

/** An issue or a pull request as Gitea's Issue (a pull request has `pull_request` set). */
export function presentIssue(baseUrl: string, row: ConversationRow, parts: IssueParts): Issue {
  const urls = new RepoUrls(baseUrl, parts.repo);
  const html = `${urls.html}/${row.kind === 'pull' ? 'pulls' : 'issues'}/${row.number}`;
  return {
    id: row.id,
    url: `${urls.api}/issues/${row.number}`,
    html_url: html,
    number: row.number,
    user: parts.poster,
    original_author: '',
    original_author_id: 0,
    title: row.title,
    body: row.body,
    body_html: parts.bodyHtml,
    ref: '',
    assets: [],
    labels: parts.labels,
    milestone: parts.milestone,
    assignee: parts.assignees[0] ?? null,
    assignees: parts.assignees,
    state: row.state,
    is_locked: row.is_locked === 1,
    comments: parts.comments,
    created_at: row.created_at,
    updated_at: row.updated_at,
    closed_at: row.closed_at,
    due_date: parts.dueDate,
    pull_request: parts.pull
      ? { merged: parts.pull.merged === 1, merged_at: parts.pull.merged_at, draft: isDraftTitle(row.title), html_url: html }
      : null,
    repository: { id: parts.repo.id, name: parts.repo.name, owner: parts.repo.owner_name, full_name: `${parts.repo.owner_name}/${parts.repo.name}` },
    pin_order: row.pin_order,
  };
}

/** A comment of an issue or pull request as Gitea's Comment. */
export function presentIssueComment(baseUrl: string, repo: RepoRow, subject: { kind: 'issue' | 'pull'; number: number }, comment: IssueCommentRow, user: UserSummary, bodyHtml: string): IssueComment {
  const urls = new RepoUrls(baseUrl, repo);
  const html = `${urls.html}/${subject.kind === 'pull' ? 'pulls' : 'issues'}/${subject.number}`;
  return {
    id: comment.id,
    html_url: `${html}#issuecomment-${comment.id}`,
    pull_request_url: subject.kind === 'pull' ? html : '',
    issue_url: subject.kind === 'issue' ? html : '',
    user,
    original_author: '',
    original_author_id: 0,
    body: comment.body,
    body_html: bodyHtml,
    assets: [],
    created_at: comment.created_at,
    updated_at: comment.updated_at,
  };
}

/** A reaction as Gitea shows it. */
export function presentReaction(reaction: ReactionRow, user: UserSummary): Reaction {
  return { user, content: reaction.content, created_at: reaction.created_at };
}

/** One earlier version of a text. */
export function presentContentHistory(row: ContentHistoryRow, editor: UserSummary | null): ContentHistory {
  return { id: row.id, editor, body: row.body, created_at: row.created_at };
}
