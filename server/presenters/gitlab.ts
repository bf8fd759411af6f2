import { Type, type Static } from '@sinclair/typebox';
import type { RepoRow } from '../db/repos.js';
import type { UserRow } from '../db/users.js';

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
  visibility: Type.Literal('public'),
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

/** A public project as GitLab shows it to an anonymous visitor; its parent when it is a public fork. */
export function presentProject(repo: RepoRow, extras: ProjectExtras, baseUrl: string, parent: { repo: RepoRow; extras: ProjectExtras } | null): Project {
  return {
    ...presentSimpleProject(repo, extras, baseUrl),
    visibility: 'public',
    archived: repo.is_archived === 1,
    empty_repo: repo.is_empty === 1,
    open_issues_count: 0,
    issues_enabled: false,
    merge_requests_enabled: true,
    wiki_enabled: false,
    jobs_enabled: false,
    snippets_enabled: false,
    ...(parent ? { forked_from_project: presentSimpleProject(parent.repo, parent.extras, baseUrl) } : {}),
  };
}

/** GitLab's user as an anonymous visitor sees one. */
export function presentGitlabUser(user: UserRow, baseUrl: string) {
  return {
    id: user.id,
    username: user.username,
    name: user.full_name || user.username,
    state: user.prohibit_login ? 'blocked' : 'active',
    locked: user.prohibit_login === 1,
    avatar_url: null,
    web_url: `${baseUrl}/${user.username}`,
  };
}

/** GitLab's group for a public Fabrique organisation. */
export function presentGroup(org: UserRow, baseUrl: string) {
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
    avatar_url: null,
    created_at: org.created_at,
  };
}
