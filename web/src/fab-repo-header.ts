import { css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import './i18n/areas/browse.js';
import { getRepository, type RefKind } from './api/browse.js';
import { RepoLinks } from './browse-links.js';
import './fab-follow-button.js';
import './fab-clone-box.js';

export type RepoTab = 'code' | 'commits' | 'branches' | 'tags' | 'releases' | 'issues' | 'pulls' | 'settings';

let counter = 0;

/**
 * Above every repository page: the name (with a fork's badge and parent), the "Code" button that
 * opens the clone panel, the forks link, and the tabs. The tabs depend only on the repository and
 * the viewer (issues when enabled, settings for administrators), never on the page, so that they
 * stay put from one page to the next.
 */
@customElement('fab-repo-header')
export class FabRepoHeader extends LightDomElement {
  static override styles = css`
    fab-repo-header {
      display: block;
      margin-bottom: 1.25rem;
    }
    fab-repo-header .fab-repo-top {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: center;
      justify-content: space-between;
    }
    fab-repo-header .fab-repo-name {
      margin: 0;
      font-size: 1.125rem;
      overflow-wrap: anywhere;
    }
    fab-repo-header .fab-badge {
      margin-left: 0.5rem;
      padding: 0 0.4rem;
      font-size: 0.8125rem;
      color: var(--fab-muted);
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
      vertical-align: middle;
    }
    fab-repo-header .fab-forked-from {
      margin: 0.125rem 0 0;
      color: var(--fab-muted);
      font-size: 0.875rem;
      overflow-wrap: anywhere;
    }
    fab-repo-header .fab-repo-actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: center;
    }
    fab-repo-header .fab-clone-menu {
      position: relative;
    }
    fab-repo-header .fab-code-button {
      font: inherit;
      font-weight: 600;
      padding: 0.375rem 0.875rem;
      color: var(--fab-on-accent);
      background: var(--fab-accent);
      border: 1px solid var(--fab-accent);
      border-radius: var(--fab-radius);
      cursor: pointer;
    }
    fab-repo-header .fab-clone-panel {
      position: absolute;
      z-index: 10;
      top: calc(100% + 0.375rem);
      right: 0;
      width: min(34rem, calc(100vw - 2rem));
      padding: 0.875rem 1rem 0.5rem;
      background: var(--fab-bg);
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
      box-shadow: 0 0.5rem 1.5rem rgb(0 0 0 / 0.15);
    }
    fab-repo-header .fab-clone-panel h2 {
      margin: 0 0 0.5rem;
      font-size: 1rem;
    }
    /* On a phone the panel opens in the flow, the page's full width, rather than over it. */
    @media (max-width: 40rem) {
      fab-repo-header .fab-clone-menu {
        position: static;
      }
      fab-repo-header .fab-clone-panel {
        left: 1rem;
        right: 1rem;
        width: auto;
        top: auto;
        margin-top: 0.375rem;
      }
    }
    fab-repo-header nav ul {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 1.25rem;
      margin: 0.75rem 0 0;
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

  @state() private _open = false;

  private _locale = new LocaleController(this);
  private readonly _panelId = `fab-clone-panel-${++counter}`;

  // The tabs need has_issues, the open count and the viewer's permissions; a repository the visitor may not read shows no such tab.
  private _repository = new Task(this, {
    task: ([owner, repo], { signal }) => getRepository(owner, repo, signal).catch(() => null),
    args: () => [this.owner, this.repo] as const,
  });

  private _toggle() {
    this._open = !this._open;
  }

  private _onKeydown(event: KeyboardEvent) {
    if (event.key !== 'Escape' || !this._open) return;
    this._open = false;
    this.querySelector<HTMLButtonElement>('.fab-code-button')?.focus();
  }

  override render() {
    const links = new RepoLinks(this.owner, this.repo);
    const repository = this._repository.value;
    const branch = repository?.default_branch ?? '';
    const code = this.ref ? links.src(this.kind, this.ref) : links.home;
    const history = this.ref ? links.commits(this.kind, this.ref) : branch ? links.commits('branch', branch) : links.home;
    const tabs: [RepoTab, string, string][] = [
      ['code', code, t('repo.code')],
      ['commits', history, t('repo.commits')],
      ['branches', links.branches, t('repo.branches')],
      ['tags', links.tags, t('repo.tags')],
      ['releases', `${links.home}/releases`, t('releases.title')],
      ...(repository?.has_issues ? ([['issues', `${links.home}/issues`, t('repo.issues', { count: repository.open_issues_count })]] as [RepoTab, string, string][]) : []),
      ['pulls', `${links.home}/pulls`, t('repo.pulls')],
      ...(repository?.permissions?.admin ? ([['settings', `${links.home}/settings`, t('repoSettings.title')]] as [RepoTab, string, string][]) : []),
    ];
    const parent = repository?.parent as { full_name?: string } | null | undefined;
    const archiveRef = this.ref && this.kind !== 'commit' ? this.ref : repository?.empty ? '' : branch;
    return html`
      <div class="fab-repo-top" @keydown=${this._onKeydown}>
        <div>
          <p class="fab-repo-name">
            <a href=${`/${encodeURIComponent(this.owner)}`}>${this.owner}</a> / <a href=${links.home}>${this.repo}</a>${repository?.fork
              ? html`<span class="fab-badge">${t('visitor.forkBadge')}</span>`
              : ''}
          </p>
          ${parent?.full_name ? html`<p class="fab-forked-from">${t('visitor.forkedFrom')} <a href=${`/${parent.full_name}`}>${parent.full_name}</a></p>` : ''}
        </div>
        <div class="fab-repo-actions">
          <fab-follow-button .owner=${this.owner} .repo=${this.repo}></fab-follow-button>
          <a href=${`${links.home}/forks`}>${t('visitor.forks', { count: repository?.forks_count ?? 0 })}</a>
          <div class="fab-clone-menu">
            <button type="button" class="fab-code-button" aria-expanded=${this._open ? 'true' : 'false'} aria-controls=${this._panelId} @click=${this._toggle}>
              ${t('visitor.code')} <span aria-hidden="true">▾</span>
            </button>
            <section class="fab-clone-panel" id=${this._panelId} ?hidden=${!this._open} aria-labelledby=${`${this._panelId}-title`}>
              <h2 id=${`${this._panelId}-title`}>${t('visitor.cloneTitle', { repo: `${this.owner}/${this.repo}` })}</h2>
              <fab-clone-box .owner=${this.owner} .repo=${this.repo} .ref=${archiveRef}></fab-clone-box>
            </section>
          </div>
        </div>
      </div>
      <nav aria-label=${t('repo.nav', { repo: `${this.owner}/${this.repo}` })}>
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
