import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import { getRepository, type RefKind } from './api/browse.js';
import { RepoLinks } from './browse-links.js';
import './fab-follow-button.js';

export type RepoTab = 'code' | 'commits' | 'branches' | 'tags' | 'releases' | 'issues' | 'pulls' | 'settings';

/** The repository's name and its tabs (code, history, branches, tags, pull requests), above every repository page. */
@customElement('fab-repo-header')
export class FabRepoHeader extends LightDomElement {
  static override styles = css`
    fab-repo-header {
      display: block;
      margin-bottom: 1.25rem;
    }
    fab-repo-header .fab-repo-name {
      font-size: 1.125rem;
    }
    fab-repo-header .fab-repo-top {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: center;
      justify-content: space-between;
    }
    fab-repo-header ul {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 1.25rem;
      margin: 0.5rem 0 0;
      padding: 0 0 0.25rem;
      list-style: none;
      border-bottom: 1px solid var(--fab-border);
    }
    fab-repo-header a[aria-current='page'] {
      font-weight: 600;
      text-decoration-thickness: 3px;
    }
  `;

  @property() owner = '';
  @property() repo = '';
  @property() tab: RepoTab = 'code';
  /** The ref the pages show; empty for the default branch. */
  @property() ref = '';
  @property() kind: RefKind = 'branch';
  /** Whether the visitor administers the repository: it adds the settings tab. */
  @property({ type: Boolean }) admin = false;

  private _locale = new LocaleController(this);

  // The Issues tab needs has_issues and the open count; a repository the visitor may not read shows no such tab.
  private _repository = new Task(this, {
    task: ([owner, repo], { signal }) => getRepository(owner, repo, signal).catch(() => null),
    args: () => [this.owner, this.repo] as const,
  });

  override render() {
    const links = new RepoLinks(this.owner, this.repo);
    const code = this.ref ? links.src(this.kind, this.ref) : links.home;
    const repository = this._repository.value;
    const tabs: [RepoTab, string, string][] = [
      ['code', code, t('repo.code')],
      ...(this.ref ? ([['commits', links.commits(this.kind, this.ref), t('repo.commits')]] as [RepoTab, string, string][]) : []),
      ['branches', links.branches, t('repo.branches')],
      ['tags', links.tags, t('repo.tags')],
      ['releases', `${links.home}/releases`, t('releases.title')],
      ...(repository?.has_issues ? ([['issues', `${links.home}/issues`, t('repo.issues', { count: repository.open_issues_count })]] as [RepoTab, string, string][]) : []),
      ['pulls', `${links.home}/pulls`, t('repo.pulls')],
      ...(this.admin ? ([['settings', `${links.home}/settings`, t('repoSettings.title')]] as [RepoTab, string, string][]) : []),
    ];
    return html`
      <nav aria-label=${t('repo.nav', { repo: `${this.owner}/${this.repo}` })}>
        <div class="fab-repo-top">
          <p class="fab-repo-name">
            <a href=${`/${encodeURIComponent(this.owner)}`}>${this.owner}</a> / <a href=${links.home}>${this.repo}</a>
          </p>
          <fab-follow-button .owner=${this.owner} .repo=${this.repo}></fab-follow-button>
        </div>
        <ul>
          ${tabs.map(([tab, href, label]) => html`<li><a href=${href} aria-current=${this.tab === tab ? 'page' : 'false'}>${label}</a></li>`)}
        </ul>
      </nav>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-repo-header': FabRepoHeader;
  }
}
