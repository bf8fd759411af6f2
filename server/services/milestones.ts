import type { Db } from '../db/index.js';
import type { RepoRow } from '../db/repos.js';
import { deleteMilestoneRow, findMilestone, findMilestoneByTitle, insertMilestone, updateMilestoneRow, type MilestoneRow } from '../db/milestones.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { CreateMilestoneOption, EditMilestoneOption } from '../../contract/issues.js';

/** Creates a milestone (writers: the route checks); two of one title are refused. */
export async function createMilestone(db: Db, repo: RepoRow, option: CreateMilestoneOption): Promise<MilestoneRow> {
  const title = option.title.trim();
  if (!title) throw invalid('A milestone needs a title.', { field: 'title' });
  if (await findMilestoneByTitle(db, repo.id, title)) throw conflict(`A milestone named "${title}" already exists.`, { field: 'title' });
  return await insertMilestone(db, repo.id, { title, description: option.description ?? '', dueOn: option.due_on ?? null, state: option.state ?? 'open' });
}

/** Changes a milestone: its title, text, due date, or state (closing it records when). */
export async function editMilestone(db: Db, repo: RepoRow, id: number, option: EditMilestoneOption): Promise<MilestoneRow> {
  if (!await findMilestone(db, repo.id, id)) throw notFound('The milestone');
  const title = option.title?.trim();
  if (title === '') throw invalid('A milestone needs a title.', { field: 'title' });
  const other = title === undefined ? undefined : await findMilestoneByTitle(db, repo.id, title);
  if (other && other.id !== id) throw conflict(`A milestone named "${title}" already exists.`, { field: 'title' });
  await updateMilestoneRow(db, id, { title, description: option.description, dueOn: option.due_on, state: option.state });
  return await findMilestone(db, repo.id, id) as MilestoneRow;
}

/** Deletes a milestone; its issues keep no milestone. */
export async function deleteMilestone(db: Db, repo: RepoRow, id: number): Promise<void> {
  if (!await findMilestone(db, repo.id, id)) throw notFound('The milestone');
  await deleteMilestoneRow(db, id);
}
