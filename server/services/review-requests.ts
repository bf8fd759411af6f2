import type { RepoRow } from '../db/repos.js';
import type { PullRow } from '../db/pulls.js';
import { findUserByName, type UserRow } from '../db/users.js';
import { deleteReviewRequest, deleteTeamReviewRequest, insertReviewRequest, insertTeamReviewRequest, listReviewRequests } from '../db/timeline.js';
import { findTeamByName, listTeamMembers, teamRepoIds, type TeamRow } from '../db/teams.js';
import type { Actor } from '../auth/policy.js';
import { forbidden, invalid } from '../errors.js';
import type { PullContext } from './pulls.js';
import { notePullEvent } from './timeline.js';
import { publishPullConversation } from './notifications.js';

/** A review request as Gitea answers it: the reviewer and when they were asked. */
export interface ReviewRequest {
  reviewer: UserRow;
  createdAt: string;
}

/** Gitea's ReviewerOptions: people by login, teams (of the repository's organisation) by name. */
export interface ReviewerOptions {
  reviewers: string[];
  teamReviewers: string[];
}

/** Writers and the pull request's author may ask for (or withdraw) reviews, as in Gitea. */
async function requireRequester(ctx: PullContext, actor: Actor, base: RepoRow, pull: PullRow): Promise<UserRow> {
  const user = ctx.policy.signedIn(actor);
  if (user.id !== pull.poster_id && !await ctx.policy.can(actor, 'repo:write', { type: 'repo', repo: base })) {
    throw forbidden(`Only writers of ${base.owner_name}/${base.name} and the author of the pull request may ask for reviews.`);
  }
  return user;
}

/** The accounts named, each able to read the repository; a 422 naming the first that is not. */
async function reviewers(ctx: PullContext, base: RepoRow, pull: PullRow, options: ReviewerOptions): Promise<UserRow[]> {
  const names = [...new Set(options.reviewers.map((n) => n.trim().toLowerCase()).filter(Boolean))];
  if (names.length === 0 && options.teamReviewers.every((n) => n.trim() === '')) throw invalid('Name at least one reviewer or team.', { field: 'reviewers' });
  return await Promise.all(names.map(async (name) => {
    const user = await findUserByName(ctx.db, name);
    // An unreadable repository's reviewer is refused with the same words as an unknown account, so
    // that the answer does not tell who exists.
    const readable = user !== undefined && user.type === 'user' && user.prohibit_login === 0 && await ctx.policy.can({ kind: 'user', user, via: 'session', scopes: null }, 'repo:read', { type: 'repo', repo: base });
    if (!readable) throw invalid(`${name} cannot review: there is no such account able to read ${base.owner_name}/${base.name}.`, { field: 'reviewers' });
    if (user.id === pull.poster_id) throw invalid(`${user.username} wrote the pull request and cannot review it.`, { field: 'reviewers' });
    return user;
  }));
}

/** The teams named, each of the repository's organisation and reaching the repository (as Gitea); a 422 otherwise. */
async function teamReviewers(ctx: PullContext, base: RepoRow, options: ReviewerOptions): Promise<TeamRow[]> {
  const names = [...new Set(options.teamReviewers.map((n) => n.trim().toLowerCase()).filter(Boolean))];
  if (names.length > 0 && base.owner_type !== 'org') {
    throw invalid(`Teams can only be asked to review in an organisation's repository; ${base.owner_name}/${base.name} belongs to a user: name the people instead.`, { field: 'team_reviewers' });
  }
  return await Promise.all(names.map(async (name) => {
    const team = await findTeamByName(ctx.db, base.owner_id, name);
    if (team === undefined) throw invalid(`${base.owner_name} has no team named ${name}.`, { field: 'team_reviewers' });
    if (!(await teamRepoIds(ctx.db, team)).includes(base.id)) throw invalid(`The team ${team.name} cannot review: it has no access to ${base.owner_name}/${base.name}.`, { field: 'team_reviewers' });
    return team;
  }));
}

/**
 * Asks people and teams to review a pull request: each new request is noted on the timeline and
 * notifies the reviewer (every member of a team); asking again keeps the first request. Answers every
 * named person's request (Gitea's answer lists teams' requests with no user: Fabrique leaves them out).
 */
export async function requestReviews(ctx: PullContext, base: RepoRow, pull: PullRow, actor: Actor, options: ReviewerOptions): Promise<ReviewRequest[]> {
  const requester = await requireRequester(ctx, actor, base, pull);
  const users = await reviewers(ctx, base, pull, options);
  const teams = await teamReviewers(ctx, base, options);
  const [added, addedTeams] = await ctx.db.transaction(async () => {
    const addedUsers: typeof users = [];
    for (const user of users) {
      if (!(await insertReviewRequest(ctx.db, pull.id, user.id, requester.id))) continue;
      await notePullEvent(ctx.db, pull, 'review_request', requester.id, { target_user_id: user.id, body: '1' });
      addedUsers.push(user);
    }
    const addedTeamRows: typeof teams = [];
    for (const team of teams) {
      if (!(await insertTeamReviewRequest(ctx.db, pull.id, team.id, requester.id))) continue;
      await notePullEvent(ctx.db, pull, 'review_request', requester.id, { target_team_id: team.id, body: '1' });
      addedTeamRows.push(team);
    }
    return [addedUsers, addedTeamRows] as const;
  });
  // A team's members are told as its reviewers; the author reviews nothing of their own.
  const members = (await Promise.all(addedTeams.map((team) => listTeamMembers(ctx.db, team.id)))).flat().filter((u) => u.id !== pull.poster_id);
  const notified = [...new Set([...added, ...members].map((u) => u.id))];
  if (notified.length > 0) await publishPullConversation(ctx.events, pull, 'review_requested', requester.id, { targetUserIds: notified });
  const asked = new Map((await listReviewRequests(ctx.db, pull.id)).map((r) => [r.user_id, r.created_at]));
  return users.map((reviewer) => ({ reviewer, createdAt: asked.get(reviewer.id) ?? '' }));
}

/** Withdraws review requests; withdrawing one never made is not an error (as Gitea). */
export async function withdrawReviews(ctx: PullContext, base: RepoRow, pull: PullRow, actor: Actor, options: ReviewerOptions): Promise<void> {
  const requester = await requireRequester(ctx, actor, base, pull);
  const users = await reviewers(ctx, base, pull, options);
  const teams = await teamReviewers(ctx, base, options);
  await ctx.db.transaction(async () => {
    for (const user of users) {
      if (await deleteReviewRequest(ctx.db, pull.id, user.id)) await notePullEvent(ctx.db, pull, 'review_request', requester.id, { target_user_id: user.id, body: '' });
    }
    for (const team of teams) {
      if (await deleteTeamReviewRequest(ctx.db, pull.id, team.id)) await notePullEvent(ctx.db, pull, 'review_request', requester.id, { target_team_id: team.id, body: '' });
    }
  });
}
