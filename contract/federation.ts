import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './nullable.js';

/** Fabrique: where a pull request from another forge takes its head, and how its last refresh went. */
export const RemotePullSource = Type.Object({
  /** The clone URL of the repository on the other forge. */
  clone_url: Type.String(),
  /** Its page (the clone URL without ".git"). */
  html_url: Type.String(),
  branch: Type.String(),
  /** What the page shows: "host/owner/repo:branch". */
  label: Type.String(),
  allow_force_push: Type.Boolean(),
  last_fetch_at: Nullable(Type.String()),
  /** Why the last refresh did not move the head; empty when it did or had nothing to do. */
  last_error: Type.String(),
});
export type RemotePullSource = Static<typeof RemotePullSource>;

/** `POST /repos/{owner}/{repo}/pulls/remote`: a pull request whose head is a branch on another forge. */
export const CreateRemotePullOption = Type.Object({
  source_url: Type.String({ minLength: 1, maxLength: 2048 }),
  branch: Type.String({ minLength: 1, maxLength: 255 }),
  base: Type.String({ minLength: 1, maxLength: 255 }),
  title: Type.String({ maxLength: 255 }),
  body: Type.Optional(Type.String({ maxLength: 65_536 })),
  /** When false (the default), a new head that is not a descendant of the current one is refused. */
  allow_force_push: Type.Optional(Type.Boolean()),
});
export type CreateRemotePullOption = Static<typeof CreateRemotePullOption>;

/** What a refresh from the source did. */
export const RefreshOutcome = Type.Object({
  moved: Type.Boolean(),
  head_sha: Type.String(),
  /** Why the new head was not taken; empty when it was, or when the branch had not moved. */
  refused: Type.String(),
});
export type RefreshOutcome = Static<typeof RefreshOutcome>;

/** An open pull request of a public repository whose head comes from a given source (the public endpoint other forges ask). */
export const RemotePullSummary = Type.Object({
  html_url: Type.String(),
  number: Type.Integer(),
  title: Type.String(),
  state: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  /** owner/name of the repository on this forge. */
  repository: Type.String(),
  /** The source branch. */
  branch: Type.String(),
});
export type RemotePullSummary = Static<typeof RemotePullSummary>;

/** A repository's upstream on another forge (an imported repository), as its branches page shows it. */
export const Upstream = Type.Object({
  clone_url: Type.String(),
  html_url: Type.String(),
  /** Still a mirror: it follows its source and takes no push. */
  mirror: Type.Boolean(),
  /** Imported and writable: it syncs from its upstream and proposes branches to it. */
  working_fork: Type.Boolean(),
});
export type Upstream = Static<typeof Upstream>;

/** What "Sync from upstream" did to the branch. */
export const UpstreamSync = Type.Object({ branch: Type.String(), sha: Type.String(), moved: Type.Boolean() });
export type UpstreamSync = Static<typeof UpstreamSync>;

/** What "Propose upstream" prepared: the page on the upstream forge where the pull request is opened. */
export const UpstreamProposal = Type.Object({ compare_url: Type.String(), notify_url: Type.String(), hook_id: Type.Integer() });
export type UpstreamProposal = Static<typeof UpstreamProposal>;
