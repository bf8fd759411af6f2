import { isUniqueViolation, type Db } from '../db/index.js';
import type { RepoRow } from '../db/repos.js';
import type { UserRow } from '../db/users.js';
import type { IssueRow } from '../db/issues.js';
import {
  addIssueLabel,
  deleteLabelRow,
  findLabel,
  insertLabel,
  labelsOf,
  removeIssueLabel,
  updateLabelRow,
  usableLabels,
  type LabelOwner,
  type LabelRow,
} from '../db/labels.js';
import { insertConversationEvent } from '../db/timeline.js';
import type { Actor, Policy } from '../auth/policy.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import type { CreateLabelOption, EditLabelOption } from '../../contract/issues.js';

/** An exclusive label's scope: its name up to the last `/` (`kind/bug` → `kind`), or null. */
export function labelScope(label: Pick<LabelRow, 'name' | 'exclusive'>): string | null {
  const at = label.name.lastIndexOf('/');
  return label.exclusive && at > 0 ? label.name.slice(0, at) : null;
}

const colour = (value: string) => value.replace(/^#/, '').toLowerCase();

/** Creates a label of a repository or an organisation (whoever may administer the owner decides: the caller checks). */
export async function createLabel(db: Db, owner: LabelOwner, option: CreateLabelOption): Promise<LabelRow> {
  const name = option.name.trim();
  if (!name) throw invalid('A label needs a name.', { field: 'name' });
  try {
    return await insertLabel(db, owner, {
      name,
      color: colour(option.color),
      description: option.description ?? '',
      exclusive: option.exclusive ?? false,
      isArchived: option.is_archived ?? false,
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`A label named "${name}" already exists.`, { field: 'name' });
    throw err;
  }
}

/** Changes a label. */
export async function editLabel(db: Db, owner: LabelOwner, id: number, option: EditLabelOption): Promise<LabelRow> {
  if (!await findLabel(db, owner, id)) throw notFound('The label');
  const name = option.name?.trim();
  if (name === '') throw invalid('A label needs a name.', { field: 'name' });
  try {
    return await updateLabelRow(db, id, {
      name,
      color: option.color === undefined ? undefined : colour(option.color),
      description: option.description,
      exclusive: option.exclusive,
      isArchived: option.is_archived,
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`A label named "${name}" already exists.`, { field: 'name' });
    throw err;
  }
}

/** Deletes a label (it leaves every issue that carried it). */
export async function deleteLabel(db: Db, owner: LabelOwner, id: number): Promise<void> {
  if (!await findLabel(db, owner, id)) throw notFound('The label');
  await deleteLabelRow(db, id);
}

/** The usable labels a list of ids or names names; an unknown one is a 422 naming it. */
export async function resolveLabels(db: Db, repo: RepoRow, wanted: Array<number | string>): Promise<LabelRow[]> {
  const usable = await usableLabels(db, repo.id);
  return wanted.map((w) => {
    const found = usable.find((l) => (typeof w === 'number' ? l.id === w : l.name === w || String(l.id) === w));
    if (!found) throw invalid(`The label ${JSON.stringify(w)} does not exist in ${repo.owner_name}/${repo.name} or its organisation.`, { field: 'labels' });
    return found;
  });
}

/**
 * Adds labels to (or with `replace`, sets the labels of) an issue or pull request, noting each
 * change on an issue's timeline. An exclusive label takes the place of another of its scope
 * (`kind/bug` replaces `kind/feature`), and two of one scope at once are refused.
 */
export async function applyIssueLabels(db: Db, repo: RepoRow, issue: Pick<IssueRow, 'id' | 'repo_id' | 'number'> & { kind?: 'issue' | 'pull' }, actorId: number, wanted: Array<number | string>, mode: 'add' | 'replace'): Promise<void> {
  const labels = await resolveLabels(db, repo, wanted);
  const scopes = labels.map(labelScope).filter((s): s is string => s !== null);
  const twice = scopes.find((s, i) => scopes.indexOf(s) !== i);
  if (twice) throw invalid(`Only one label of the exclusive scope "${twice}" may be set.`, { field: 'labels' });
  const key = { repoId: repo.id, number: issue.number };
  const current = (await labelsOf(db, repo.id, [issue.number])).get(issue.number) ?? [];
  const note = async (label: LabelRow, added: boolean) => {
    if (issue.kind === 'pull') return;
    await insertConversationEvent(db, { repoId: repo.id, issueId: issue.id, pullId: null, type: 'label', actorId, label_id: label.id, body: added ? '1' : '' });
  };
  await db.transaction(async () => {
    for (const old of current) {
      const scope = labelScope(old);
      const displaced = scope !== null && labels.some((l) => l.id !== old.id && labelScope(l) === scope);
      if ((mode === 'replace' && !labels.some((l) => l.id === old.id)) || displaced) {
        if (await removeIssueLabel(db, key, old.id)) await note(old, false);
      }
    }
    for (const label of labels) if (await addIssueLabel(db, key, label.id)) await note(label, true);
  });
}

/** Takes one label (by id) off an issue or pull request. */
export async function removeLabelFromIssue(db: Db, repo: RepoRow, issue: Pick<IssueRow, 'id' | 'number'> & { kind?: 'issue' | 'pull' }, actorId: number, labelId: number): Promise<void> {
  const label = (await usableLabels(db, repo.id)).find((l) => l.id === labelId);
  if (!label) throw notFound('The label');
  if (await removeIssueLabel(db, { repoId: repo.id, number: issue.number }, labelId) && issue.kind !== 'pull') {
    await insertConversationEvent(db, { repoId: repo.id, issueId: issue.id, pullId: null, type: 'label', actorId, label_id: label.id, body: '' });
  }
}

/** The signed-in account that may administer labels of an organisation (its owners). */
export async function requireOrgLabelAdmin(policy: Policy, actor: Actor, org: UserRow): Promise<UserRow> {
  const user = policy.signedIn(actor);
  if (!await policy.can(actor, 'org:admin', { type: 'org', org })) throw forbidden(`Only owners of ${org.username} may change its labels.`);
  return user;
}
