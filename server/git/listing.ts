import { git as runGit, GitCommandError } from './exec.js';

/** One ref with the object it names, as `git for-each-ref` lists it. */
export interface RefEntry {
  ref: string;
  oid: string;
  /** `commit` for a branch, `tag` for an annotated tag's object. */
  type: 'commit' | 'tag' | 'tree' | 'blob';
}

/** Every ref of a repository (branches, tags, pull request heads), sorted by name. */
export async function listRefs(gitdir: string): Promise<RefEntry[]> {
  const { stdout } = await runGit(['for-each-ref', '--sort=refname', '--format=%(objectname) %(objecttype) %(refname)'], { cwd: gitdir });
  return stdout.split('\n').flatMap((line) => {
    const match = /^([0-9a-f]{40}) (commit|tag|tree|blob) (refs\/.+)$/.exec(line);
    return match ? [{ oid: match[1], type: match[2] as RefEntry['type'], ref: match[3] }] : [];
  });
}

/** One entry of a tree listing: blobs carry their size in bytes, folders and submodules none. */
export interface TreeListingEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  oid: string;
  size: number | null;
}

/**
 * The entries of a tree (or of a commit's tree), with blob sizes, without reading a blob
 * (`git ls-tree -l`); `recursive` walks every folder and lists the folders too. Null when the id
 * names no tree or commit of the repository.
 */
export async function listTree(gitdir: string, treeish: string, recursive: boolean): Promise<TreeListingEntry[] | null> {
  if (!/^[0-9a-f]{40}$/.test(treeish)) throw new Error('listTree: expected a full object id');
  let stdout: string;
  try {
    ({ stdout } = await runGit(['ls-tree', '-l', '-z', ...(recursive ? ['-r', '-t'] : []), treeish], { cwd: gitdir }));
  } catch (err) {
    // A missing object, or a blob: not a tree git can list.
    if (err instanceof GitCommandError) return null;
    throw err;
  }
  return stdout.split('\0').flatMap((line) => {
    const match = /^(\d+) (blob|tree|commit) ([0-9a-f]{40}) +(-|\d+)\t(.+)$/s.exec(line);
    if (!match) return [];
    return [{ mode: match[1], type: match[2] as TreeListingEntry['type'], oid: match[3], size: match[4] === '-' ? null : Number(match[4]), path: match[5] }];
  });
}

/** A branch with the commit it points to, as `git for-each-ref` lists it. */
export interface BranchHead {
  name: string;
  oid: string;
}

/** Every branch, the most recently committed first (`git for-each-ref --sort=-committerdate`): one process for any number of branches. */
export async function branchesByDate(gitdir: string): Promise<BranchHead[]> {
  const { stdout } = await runGit(['for-each-ref', '--sort=-committerdate', '--format=%(objectname) %(refname)', 'refs/heads/'], { cwd: gitdir });
  return stdout.split('\n').flatMap((line) => {
    const match = /^([0-9a-f]{40}) refs\/heads\/(.+)$/.exec(line);
    return match ? [{ oid: match[1], name: match[2] }] : [];
  });
}

/**
 * How many commits `head` has that `base` lacks (ahead) and the reverse (behind), from one
 * `git rev-list --left-right --count base...head`, which walks only down to the merge base.
 */
export async function aheadBehind(gitdir: string, base: string, head: string): Promise<{ ahead: number; behind: number }> {
  if (!/^[0-9a-f]{40}$/.test(base) || !/^[0-9a-f]{40}$/.test(head)) throw new Error('aheadBehind: expected full commit ids');
  const { stdout } = await runGit(['rev-list', '--left-right', '--count', `${base}...${head}`], { cwd: gitdir });
  const [behind, ahead] = stdout.trim().split(/\s+/).map(Number);
  return { ahead: ahead ?? 0, behind: behind ?? 0 };
}
