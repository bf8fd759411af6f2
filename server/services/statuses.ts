import picomatch from 'picomatch';
import { insertStatus, latestStatuses, type CommitStatusRow, type CommitStatusState } from '../db/statuses.js';
import type { Db } from '../db/index.js';
import type { RepoRow } from '../db/repos.js';
import { hasCommit } from '../git/write.js';
import { repoPath } from '../git/store.js';
import type { Actor, Policy } from '../auth/policy.js';
import { invalid, notFound } from '../errors.js';
import { RepoUrls } from '../presenters/browse.js';
import { presentStatus, type CommitStatus } from '../presenters/status.js';
import { presentUser } from '../presenters/user.js';
import type { EventBus } from './events.js';

/** States from worst to best: a commit's combined state is its worst context's, as Gitea ranks them (warning below pending). */
const WORST_FIRST: readonly CommitStatusState[] = ['error', 'failure', 'warning', 'pending', 'success'];

/** The state the latest status of each context adds up to (Gitea's CalcCommitStatus), or null without statuses. */
export function combinedState(states: CommitStatusState[]): CommitStatusState | null {
  if (states.length === 0) return null;
  return WORST_FIRST[Math.min(...states.map((state) => WORST_FIRST.indexOf(state)))];
}

/** A required context pattern that is not satisfied: the contexts it matched that did not succeed, or none reported. */
export interface UnmetCheck {
  pattern: string;
  /** Matched contexts whose latest state is not success, with that state; empty when no context matched. */
  failing: Array<{ context: string; state: CommitStatusState }>;
}

/**
 * Which required context patterns (globs, `*` crossing `/` as in Gitea) are not met by the latest
 * statuses of a commit: a pattern is met when it matches at least one context and every context it
 * matches succeeded. Only `success` counts, as Gitea's IsSuccess: a warning does not.
 */
export function unmetChecks(latest: Array<Pick<CommitStatusRow, 'context' | 'state'>>, patterns: string[]): UnmetCheck[] {
  const unmet: UnmetCheck[] = [];
  for (const pattern of patterns) {
    const matches = picomatch(pattern, { bash: true, dot: true });
    const matched = latest.filter((status) => matches(status.context));
    const failing = matched.filter((status) => status.state !== 'success').map(({ context, state }) => ({ context, state }));
    if (matched.length === 0 || failing.length > 0) unmet.push({ pattern, failing });
  }
  return unmet;
}

/** A person's sentence naming what is missing or failing among the required checks. */
export function unmetChecksText(unmet: UnmetCheck[]): string {
  const parts = unmet.map((check) =>
    check.failing.length === 0
      ? `"${check.pattern}" has not been reported`
      : check.failing.map((status) => `"${status.context}" is ${status.state}`).join(', '),
  );
  return `The required status checks have not succeeded: ${parts.join('; ')}.`;
}

/** The latest status of each context of a commit in a repository. */
export async function commitStatuses(db: Db, repoId: number, sha: string): Promise<CommitStatusRow[]> {
  return await latestStatuses(db, repoId, [sha]);
}

export interface StatusContext {
  db: Db;
  reposDir: string;
  policy: Policy;
  events: EventBus;
  baseUrl: string;
}

export interface NewStatusInput {
  state: CommitStatusState;
  target_url?: string;
  description?: string;
  context?: string;
}

/** A link a status may carry: http(s) only, so that a `javascript:` address never reaches a page. */
function checkedTargetUrl(value: string | undefined): string {
  const text = value?.trim() ?? '';
  if (text === '') return '';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('target_url must be an absolute http(s) address.', { field: 'target_url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('target_url must be an http or https address.', { field: 'target_url' });
  return url.href;
}

/**
 * Posts a commit status (Gitea's CreateCommitStatus; the caller checked write access): the commit
 * must be in the repository. Publishes `status` with the status as the API answers it, and the
 * commit's combined state after it.
 */
export async function postCommitStatus(ctx: StatusContext, repo: RepoRow, actor: Actor, shaIn: string, input: NewStatusInput): Promise<CommitStatus> {
  const creator = ctx.policy.signedIn(actor);
  const sha = shaIn.toLowerCase();
  const targetUrl = checkedTargetUrl(input.target_url);
  if (!(await hasCommit(repoPath(ctx.reposDir, repo.owner_name, repo.name), sha))) throw notFound(`The commit ${sha}`);
  const row = await insertStatus(ctx.db, {
    repoId: repo.id,
    sha,
    context: input.context?.trim() || 'default',
    state: input.state,
    targetUrl,
    description: input.description ?? '',
    creatorId: creator.id,
  });
  const status = presentStatus(new RepoUrls(ctx.baseUrl, repo), row, presentUser(creator, ctx.baseUrl));
  const combined = combinedState((await commitStatuses(ctx.db, repo.id, sha)).map((s) => s.state)) ?? row.state;
  await ctx.events.publish('status', { repoId: repo.id, actorId: creator.id, sha, state: row.state, combinedState: combined, status: { ...status } });
  return status;
}
