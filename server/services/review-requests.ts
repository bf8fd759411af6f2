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
function requireRequester(ctx: PullContext, actor: Actor, base: RepoRow, pull: PullRow): UserRow {
  const user = ctx.policy.signedIn(actor);
  if (user.id !== pull.poster_id && !ctx.policy.can(actor, 'repo:write', { type: 'repo', repo: base })) {
    throw forbidden(`Only writers of ${base.owner_name}/${base.name} and the author of the pull request may ask for reviews.`);
  }
  return user;
}

/** The accounts named, each able to read the repository; a 422 naming the first that is not. */
function reviewers(ctx: PullContext, base: RepoRow, pull: PullRow, options: ReviewerOptions): UserRow[] {
  const names = [...new Set(options.reviewers.map((n) => n.trim().toLowerCase()).filter(Boolean))];
  if (names.length === 0 && options.teamReviewers.every((n) => n.trim() === '')) throw invalid('Name at least one reviewer or team.', { field: 'reviewers' });
  return names.map((name) => {
    const user = findUserByName(ctx.db, name);
    // An unreadable repository's reviewer is refused with the same words as an unknown account, so
    // that the answer does not tell who exists.
    const readable = user !== undefined && user.type === 'user' && user.prohibit_login === 0 && ctx.policy.can({ kind: 'user', user, via: 'session', scopes: null }, 'repo:read', { type: 'repo', repo: base });
    if (!readable) throw invalid(`${name} cannot review: there is no such account able to read ${base.owner_name}/${base.name}.`, { field: 'reviewers' });
    if (user.id === pull.poster_id) throw invalid(`${user.username} wrote the pull request and cannot review it.`, { field: 'reviewers' });
    return user;
  });
}

/** The teams named, each of the repository's organisation and reaching the repository (as Gitea); a 422 otherwise. */
function teamReviewers(ctx: PullContext, base: RepoRow, options: ReviewerOptions): TeamRow[] {
  const names = [...new Set(options.teamReviewers.map((n) => n.trim().toLowerCase()).filter(Boolean))];
  if (names.length > 0 && base.owner_type !== 'org') {
    throw invalid(`Teams can only be asked to review in an organisation's repository; ${base.owner_name}/${base.name} belongs to a user: name the people instead.`, { field: 'team_reviewers' });
  }
  return names.map((name) => {
    const team = findTeamByName(ctx.db, base.owner_id, name);
    if (team === undefined) throw invalid(`${base.owner_name} has no team named ${name}.`, { field: 'team_reviewers' });
    if (!teamRepoIds(ctx.db, team).includes(base.id)) throw invalid(`The team ${team.name} cannot review: it has no access to ${base.owner_name}/${base.name}.`, { field: 'team_reviewers' });
    return team;
  });
}

/**
 * Asks people and teams to review a pull request: each new request is noted on the timeline and
 * notifies the reviewer (every member of a team); asking again keeps the first request. Answers every
 * named person's request (Gitea's answer lists teams' requests with no user: Fabrique leaves them out).
 */
export async function requestReviews(ctx: PullContext, base: RepoRow, pull: PullRow, actor: Actor, options: ReviewerOptions): Promise<ReviewRequest[]> {
  const requester = requireRequester(ctx, actor, base, pull);
  const users = reviewers(ctx, base, pull, options);
  const teams = teamReviewers(ctx, base, options);
  const [added, addedTeams] = ctx.db.transaction(() => [
    users.filter((user) => {
      if (!insertReviewRequest(ctx.db, pull.id, user.id, requester.id)) return false;
      notePullEvent(ctx.db, pull, 'review_request', requester.id, { target_user_id: user.id, body: '1' });
      return true;
    }),
    teams.filter((team) => {
      if (!insertTeamReviewRequest(ctx.db, pull.id, team.id, requester.id)) return false;
      notePullEvent(ctx.db, pull, 'review_request', requester.id, { target_team_id: team.id, body: '1' });
      return true;
    }),
  ])();
  // A team's members are told as its reviewers; the author reviews nothing of their own.
  const members = addedTeams.flatMap((team) => listTeamMembers(ctx.db, team.id)).filter((u) => u.id !== pull.poster_id);
  const notified = [...new Set([...added, ...members].map((u) => u.id))];
  if (notified.length > 0) await publishPullConversation(ctx.events, pull, 'review_requested', requester.id, { targetUserIds: notified });
  const asked = new Map(listReviewRequests(ctx.db, pull.id).map((r) => [r.user_id, r.created_at]));
  return users.map((reviewer) => ({ reviewer, createdAt: asked.get(reviewer.id) ?? '' }));
}

/** Withdraws review requests; withdrawing one never made is not an error (as Gitea). */
export function withdrawReviews(ctx: PullContext, base: RepoRow, pull: PullRow, actor: Actor, options: ReviewerOptions): void {
  const requester = requireRequester(ctx, actor, base, pull);
  const users = reviewers(ctx, base, pull, options);
  const teams = teamReviewers(ctx, base, options);
  ctx.db.transaction(() => {
    for (const user of users) {
      if (deleteReviewRequest(ctx.db, pull.id, user.id)) notePullEvent(ctx.db, pull, 'review_request', requester.id, { target_user_id: user.id, body: '' });
    }
    for (const team of teams) {
      if (deleteTeamReviewRequest(ctx.db, pull.id, team.id)) notePullEvent(ctx.db, pull, 'review_request', requester.id, { target_team_id: team.id, body: '' });
    }
  })();
}
