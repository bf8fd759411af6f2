import { Type, type Static } from '@sinclair/typebox';
import type { RepoRow } from '../db/repos.js';
import type { UserRow } from '../db/users.js';
import { gitDate, type GitCommit } from '../git/read.js';
import { avatarUrl } from '../lib/avatars.js';

const NullableString = Type.Union([Type.String(), Type.Null()]);

/** GitLab's namespace of a project: a user or a group (a Fabrique organisation). */
export const Namespace = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  path: Type.String(),
  kind: Type.Union([Type.Literal('user'), Type.Literal('group')]),
  full_path: Type.String(),
  parent_id: Type.Null(),
  avatar_url: Type.Null(),
  web_url: Type.String(),
});

/** GitLab's license object of `GET /projects/:id?license=true`. */
export const GitlabLicense = Type.Object({
  key: Type.String(),
  name: Type.String(),
  nickname: NullableString,
  html_url: Type.String(),
  source_url: NullableString,
});
export type GitlabLicense = Static<typeof GitlabLicense>;

/** GitLab's project as `?simple=true` lists it. */
const simpleFields = {
  id: Type.Integer(),
  description: NullableString,
  name: Type.String(),
  name_with_namespace: Type.String(),
  path: Type.String(),
  path_with_namespace: Type.String(),
  created_at: Type.String(),
  default_branch: NullableString,
  tag_list: Type.Array(Type.String()),
  topics: Type.Array(Type.String()),
  ssh_url_to_repo: NullableString,
  http_url_to_repo: Type.String(),
  web_url: Type.String(),
  readme_url: NullableString,
  forks_count: Type.Integer(),
  avatar_url: Type.Null(),
  star_count: Type.Integer(),
  last_activity_at: Type.String(),
  namespace: Namespace,
};

export const SimpleProject = Type.Object(simpleFields);

/** GitLab's project, the fields Fabrique has (the national catalogue's harvester reads these). */
export const Project = Type.Object({
  ...simpleFields,
  visibility: Type.Union([Type.Literal('public'), Type.Literal('internal'), Type.Literal('private')]),
  archived: Type.Boolean(),
  empty_repo: Type.Boolean(),
  open_issues_count: Type.Integer(),
  issues_enabled: Type.Boolean(),
  merge_requests_enabled: Type.Boolean(),
  wiki_enabled: Type.Boolean(),
  jobs_enabled: Type.Boolean(),
  snippets_enabled: Type.Boolean(),
  license_url: Type.Optional(NullableString),
  license: Type.Optional(Type.Union([GitlabLicense, Type.Null()])),
  forked_from_project: Type.Optional(Type.Union([Type.Object(simpleFields), Type.Null()])),
});
export type Project = Static<typeof Project>;
export type SimpleProject = Static<typeof SimpleProject>;

/** What a project's JSON needs besides its row. */
export interface ProjectExtras {
  topics: string[];
  forksCount: number;
  /** The README at the root of the default branch, if any. */
  readme: string | null;
}

function namespace(repo: RepoRow, baseUrl: string): Static<typeof Namespace> {
  return {
    id: repo.owner_id,
    name: repo.owner_name,
    path: repo.owner_name,
    kind: repo.owner_type === 'org' ? 'group' : 'user',
    full_path: repo.owner_name,
    parent_id: null,
    avatar_url: null,
    web_url: `${baseUrl}/${repo.owner_name}`,
  };
}

/** A project as `?simple=true` shows it. */
export function presentSimpleProject(repo: RepoRow, extras: ProjectExtras, baseUrl: string): SimpleProject {
  const path = `${repo.owner_name}/${repo.name}`;
  const webUrl = `${baseUrl}/${path}`;
  const branch = repo.is_empty ? null : repo.default_branch;
  return {
    id: repo.id,
    description: repo.description || null,
    name: repo.name,
    name_with_namespace: `${repo.owner_name} / ${repo.name}`,
    path: repo.name,
    path_with_namespace: path,
    created_at: repo.created_at,
    default_branch: branch,
    tag_list: extras.topics,
    topics: extras.topics,
    ssh_url_to_repo: null,
    http_url_to_repo: `${webUrl}.git`,
    web_url: webUrl,
    readme_url: branch && extras.readme ? `${webUrl}/src/branch/${encodeURIComponent(branch)}/${encodeURIComponent(extras.readme)}` : null,
    forks_count: extras.forksCount,
    avatar_url: null,
    star_count: 0,
    last_activity_at: repo.updated_at,
    namespace: namespace(repo, baseUrl),
  };
}

/**
 * GitLab's visibility of a project: `public` when anyone may read it, `internal` when signed-in
 * users may (a public repository of a limited owner), `private` otherwise.
 */
function visibility(repo: RepoRow): Project['visibility'] {
  if (repo.is_private || repo.owner_visibility === 'private') return 'private';
  return repo.owner_visibility === 'limited' ? 'internal' : 'public';
}

/** A project as GitLab shows it (a private one only to `membership`/`owned`); its parent when it is a public fork. */
export function presentProject(repo: RepoRow, extras: ProjectExtras, baseUrl: string, parent: { repo: RepoRow; extras: ProjectExtras } | null): Project {
  return {
    ...presentSimpleProject(repo, extras, baseUrl),
    visibility: visibility(repo),
    archived: repo.is_archived === 1,
    empty_repo: repo.is_empty === 1,
    open_issues_count: 0,
    issues_enabled: repo.has_issues === 1,
    merge_requests_enabled: true,
    wiki_enabled: false,
    jobs_enabled: false,
    snippets_enabled: false,
    ...(parent ? { forked_from_project: presentSimpleProject(parent.repo, parent.extras, baseUrl) } : {}),
  };
}

/** GitLab's user as an anonymous visitor sees one. */
export function presentGitlabUser(user: UserRow, baseUrl: string): Static<typeof GitlabUser> {
  return {
    id: user.id,
    username: user.username,
    name: user.full_name || user.username,
    state: user.prohibit_login ? 'blocked' : 'active',
    locked: user.prohibit_login === 1,
    avatar_url: avatarUrl(baseUrl, user),
    web_url: `${baseUrl}/${user.username}`,
  };
}

/** A user's public profile as GitLab's `GET /users/:id` shows it. */
export function presentGitlabUserDetail(user: UserRow, baseUrl: string): Static<typeof GitlabUserDetail> {
  return {
    ...presentGitlabUser(user, baseUrl),
    created_at: user.created_at,
    bio: user.description,
    location: user.location,
    public_email: null,
    website_url: user.website,
    organization: '',
    bot: false,
  };
}

/** The signed-in account as GitLab's `GET /user` shows it to itself. */
export function presentGitlabCurrentUser(user: UserRow, baseUrl: string): Static<typeof GitlabCurrentUser> {
  return { ...presentGitlabUserDetail(user, baseUrl), email: user.email ?? '', is_admin: user.is_admin === 1, can_create_group: true, can_create_project: true };
}

/** GitLab's group for a public Fabrique organisation. */
export function presentGroup(org: UserRow, baseUrl: string): Static<typeof GitlabGroup> {
  return {
    id: org.id,
    web_url: `${baseUrl}/${org.username}`,
    name: org.full_name || org.username,
    path: org.username,
    description: org.description,
    visibility: 'public' as const,
    full_name: org.full_name || org.username,
    full_path: org.username,
    parent_id: null,
    avatar_url: avatarUrl(baseUrl, org),
    created_at: org.created_at,
  };
}

/** GitLab's commit, as its commit, branch and tag endpoints nest it. */
export const GitlabCommit = Type.Object({
  id: Type.String(),
  short_id: Type.String(),
  title: Type.String(),
  message: Type.String(),
  author_name: Type.String(),
  author_email: Type.String(),
  authored_date: Type.String(),
  committer_name: Type.String(),
  committer_email: Type.String(),
  committed_date: Type.String(),
  created_at: Type.String(),
  parent_ids: Type.Array(Type.String()),
  trailers: Type.Object({}),
  web_url: Type.String(),
});
export type GitlabCommit = Static<typeof GitlabCommit>;

/** GitLab's single commit: the list's fields and the size of its change. */
export const GitlabCommitDetail = Type.Object({
  ...GitlabCommit.properties,
  stats: Type.Object({ additions: Type.Integer(), deletions: Type.Integer(), total: Type.Integer() }),
  status: Type.Null(),
  last_pipeline: Type.Null(),
});
export type GitlabCommitDetail = Static<typeof GitlabCommitDetail>;

/** GitLab's tag. */
export const GitlabTag = Type.Object({
  name: Type.String(),
  message: Type.String(),
  target: Type.String(),
  commit: GitlabCommit,
  release: Type.Null(),
  protected: Type.Boolean(),
});
export type GitlabTag = Static<typeof GitlabTag>;

/** GitLab's branch. */
export const GitlabBranch = Type.Object({
  name: Type.String(),
  merged: Type.Boolean(),
  protected: Type.Boolean(),
  default: Type.Boolean(),
  developers_can_push: Type.Boolean(),
  developers_can_merge: Type.Boolean(),
  can_push: Type.Boolean(),
  web_url: Type.String(),
  commit: GitlabCommit,
});
export type GitlabBranch = Static<typeof GitlabBranch>;

/** GitLab's `GET /projects/:id/repository/files/:file_path`: the file's metadata and its bytes in base64. */
export const GitlabFile = Type.Object({
  file_name: Type.String(),
  file_path: Type.String(),
  size: Type.Integer(),
  encoding: Type.Literal('base64'),
  content_sha256: Type.String(),
  ref: Type.String(),
  blob_id: Type.String(),
  commit_id: Type.String(),
  last_commit_id: Type.String(),
  execute_filemode: Type.Boolean(),
  content: Type.String(),
});
export type GitlabFile = Static<typeof GitlabFile>;

/** GitLab's project statistics (`statistics=true`); the sizes of features Fabrique lacks are 0. */
export const GitlabStatistics = Type.Object({
  commit_count: Type.Integer(),
  storage_size: Type.Integer(),
  repository_size: Type.Integer(),
  wiki_size: Type.Integer(),
  lfs_objects_size: Type.Integer(),
  job_artifacts_size: Type.Integer(),
  pipeline_artifacts_size: Type.Integer(),
  packages_size: Type.Integer(),
  snippets_size: Type.Integer(),
  uploads_size: Type.Integer(),
  container_registry_size: Type.Integer(),
});
export type GitlabStatistics = Static<typeof GitlabStatistics>;

/** GitLab's user as an anonymous visitor sees one. */
export const GitlabUser = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  name: Type.String(),
  state: Type.String(),
  locked: Type.Boolean(),
  avatar_url: Type.String(),
  web_url: Type.String(),
});

/** GitLab's `GET /users/:id` and `GET /user`: the public profile besides the summary. */
export const GitlabUserDetail = Type.Object({
  ...GitlabUser.properties,
  created_at: Type.String(),
  bio: Type.String(),
  location: Type.String(),
  public_email: Type.Union([Type.String(), Type.Null()]),
  website_url: Type.String(),
  organization: Type.String(),
  bot: Type.Boolean(),
});

/** `GET /user` adds what only the account itself sees. */
export const GitlabCurrentUser = Type.Object({
  ...GitlabUserDetail.properties,
  email: Type.String(),
  is_admin: Type.Boolean(),
  can_create_group: Type.Boolean(),
  can_create_project: Type.Boolean(),
});

/** GitLab's group. */
export const GitlabGroup = Type.Object({
  id: Type.Integer(),
  web_url: Type.String(),
  name: Type.String(),
  path: Type.String(),
  description: Type.String(),
  visibility: Type.Literal('public'),
  full_name: Type.String(),
  full_path: Type.String(),
  parent_id: Type.Null(),
  avatar_url: Type.String(),
  created_at: Type.String(),
});

/** A commit as GitLab shows it, linked to the project's web page. */
export function presentGitlabCommit(commit: GitCommit, webUrl: string): GitlabCommit {
  const [title] = commit.message.split('\n');
  return {
    id: commit.oid,
    short_id: commit.oid.slice(0, 8),
    title,
    message: commit.message,
    author_name: commit.author.name,
    author_email: commit.author.email,
    authored_date: gitDate(commit.author),
    committer_name: commit.committer.name,
    committer_email: commit.committer.email,
    committed_date: gitDate(commit.committer),
    created_at: gitDate(commit.committer),
    parent_ids: commit.parents,
    trailers: {},
    web_url: `${webUrl}/commit/${commit.oid}`,
  };
}
