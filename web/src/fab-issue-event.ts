import { css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import './i18n/areas/issues.js';
import './i18n/areas/pulls.js';
import { RepoLinks, shortSha } from './browse-links.js';
import type { TimelineComment } from './api/timeline.js';
import './fab-relative-time.js';
import './fab-issue-label.js';

/**
 * One event of an issue's or a pull request's timeline (the same shape for both, as in Gitea): a
 * line saying who did what and when, with links to the commit, pull request or issue it names.
 */
@customElement('fab-issue-event')
export class FabIssueEvent extends LightDomElement {
  static override styles = css`
    fab-issue-event p {
      margin: 0;
      color: var(--fab-muted);
      overflow-wrap: anywhere;
    }
    fab-issue-event ul {
      list-style: none;
      margin: 0.25rem 0 0;
      padding-left: 1rem;
      overflow-wrap: anywhere;
    }
  `;

  @property() owner = '';
  @property() repo = '';
  @property({ attribute: false }) event: TimelineComment | null = null;

  private _locale = new LocaleController(this);

  override render() {
    const e = this.event;
    if (!e) return nothing;
    const user = e.user?.login ?? t('timeline.someone');
    // What an event names may live in another repository (a reference, a closing from a fork).
    const source = e.ref_repository ? new RepoLinks(...(e.ref_repository.split('/', 2) as [string, string])) : new RepoLinks(this.owner, this.repo);
    const prefix = e.ref_repository ? e.ref_repository : '';
    const when = html` · <fab-relative-time .datetime=${e.created_at}></fab-relative-time>`;
    const line = (text: unknown) => html`<p>${text}${when}</p>`;
    const commit = (sha: string, links = source) => html`<a href=${links.commit(sha)}><code>${shortSha(sha)}</code></a>`;
    const conversation = (kind: 'issues' | 'pulls', n: number) => html`<a href=${`${source.home}/${kind}/${n}`}>${prefix}#${n}</a>`;
    const added = e.body !== '';
    switch (e.type) {
      case 'pull_push':
        if (e.is_force_push) return line(t('timeline.forcePushed', { user, from: shortSha(e.commits[0]?.sha ?? ''), to: shortSha(e.commits[1]?.sha ?? '') }));
        return html`${line(t('timeline.pushed', { user, count: e.commits.length }))}
          <ul>
            ${e.commits.map((c) => html`<li>${commit(c.sha, new RepoLinks(this.owner, this.repo))} ${c.subject}</li>`)}
          </ul>`;
      case 'merge_pull':
        return line(t('timeline.merged', { user, base: e.new_ref, sha: shortSha(e.ref_commit_sha) }));
      case 'delete_branch':
        return line(t('timeline.branchDeleted', { user, branch: e.old_ref }));
      case 'change_title':
        return line(t('timeline.titleChanged', { user, from: e.old_title, to: e.new_title }));
      case 'close':
        // Closed by a commit pushed to the default branch, or by a merged pull request, says which.
        if (e.ref_commit_sha) return line(html`${t('issueEvent.closedByCommit', { user })} ${commit(e.ref_commit_sha)}`);
        if (e.ref_issue_number) return line(html`${t('issueEvent.closedByPull', { user })} ${conversation('pulls', e.ref_issue_number)}`);
        return line(t('issueEvent.closed', { user }));
      case 'reopen':
        return line(t('issueEvent.reopened', { user }));
      case 'review_request':
        return line(t(added ? 'timeline.reviewRequested' : 'timeline.reviewRequestRemoved', { user, reviewer: e.assignee?.login ?? (e.assignee_team ? t('pulls.teamReviewer', { team: e.assignee_team.name }) : t('timeline.someone')) }));
      case 'pull_scheduled_merge':
        return line(t('timeline.autoMergeScheduled', { user }));
      case 'pull_cancel_scheduled_merge':
        return line(t('timeline.autoMergeCancelled', { user }));
      case 'dismiss_review':
        // The reviewer's account may be gone: then only who dismissed is named.
        return line(
          e.assignee
            ? t('timeline.reviewOfDismissed', { user, reviewer: e.assignee.login, reason: e.body })
            : t('timeline.reviewDismissed', { user, reason: e.body }),
        );
      case 'pull_ref':
        return line(html`${t('issueEvent.referencedByPull', { user })} ${conversation('pulls', e.ref_issue_number)}`);
      case 'issue_ref':
        return line(html`${t('issueEvent.referencedByIssue', { user })} ${conversation('issues', e.ref_issue_number)}`);
      case 'commit_ref':
        return line(html`${t('issueEvent.commitReferenced', { user })} ${commit(e.ref_commit_sha)}`);
      case 'label':
        return line(
          html`${t(added ? 'issueEvent.labelAdded' : 'issueEvent.labelRemoved', { user })}
            <fab-issue-label .label=${{ id: 0, name: e.label_name, color: e.label_color, exclusive: false, is_archived: false, description: '', url: '' }}></fab-issue-label>`,
        );
      case 'milestone':
        return line(added ? t('issueEvent.milestoneAdded', { user, title: e.milestone_title }) : t('issueEvent.milestoneRemoved', { user, title: e.milestone_title }));
      case 'assignees': {
        const assignee = e.assignee?.login ?? t('timeline.someone');
        if (e.assignee?.login === e.user?.login) return line(t(added ? 'issueEvent.selfAssigned' : 'issueEvent.selfUnassigned', { user }));
        return line(t(added ? 'issueEvent.assigned' : 'issueEvent.unassigned', { user, assignee }));
      }
      case 'lock':
        return line(t('issueEvent.locked', { user }));
      case 'unlock':
        return line(t('issueEvent.unlocked', { user }));
      case 'pin':
        return line(t('issueEvent.pinned', { user }));
      case 'unpin':
        return line(t('issueEvent.unpinned', { user }));
      default:
        return nothing;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-issue-event': FabIssueEvent;
  }
}
