import { css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t, type MessageKey } from '../i18n/index.js';
import '../i18n/areas/pulls.js';
import { listPulls, type PullRequest, type PullState } from '../api/pulls.js';
import { RepoLinks } from '../browse-links.js';
import { SessionController } from '../session.js';
import { renderTask } from '../task-status.js';
import '../fab-repo-header.js';
import '../fab-relative-time.js';
import '../fab-pager.js';
import '../fab-commit-status.js';

const PAGE_SIZE = 30;
const FILTERS: [PullState, MessageKey][] = [
  ['open', 'pulls.filterOpen'],
  ['closed', 'pulls.filterClosed'],
  ['all', 'pulls.filterAll'],
];

/** `/{owner}/{repo}/pulls?state=open|closed|all`: the repository's pull requests, newest first. */
@customElement('fab-pulls-page')
export class FabPullsPage extends LightDomElement {
  static override styles = css`
    fab-pulls-page .fab-pulls-bar {
      display: flex;
      flex-wrap: wrap;
      justify-content: space-between;
      gap: 0.5rem 1rem;
      align-items: center;
    }
    fab-pulls-page .fab-pulls-bar ul,
    fab-pulls-page ol.fab-pulls {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 1.25rem;
      margin: 0;
      padding: 0;
      list-style: none;
    }
    fab-pulls-page .fab-pulls-bar a[aria-current='page'] {
      font-weight: 600;
      text-decoration-thickness: 3px;
    }
    fab-pulls-page ol.fab-pulls {
      display: block;
      margin-top: 1rem;
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
    }
    fab-pulls-page ol.fab-pulls li {
      padding: 0.5rem 0.75rem;
    }
    fab-pulls-page ol.fab-pulls li + li {
      border-top: 1px solid var(--fab-border);
    }
    fab-pulls-page .fab-pull-title {
      font-weight: 600;
    }
    fab-pulls-page .fab-draft {
      margin-left: 0.5rem;
      padding: 0 0.5rem;
      font-size: 0.875rem;
      border: 1px solid var(--fab-border);
      border-radius: 1rem;
    }
    fab-pulls-page .fab-pull-info {
      margin: 0.125rem 0 0;
      color: var(--fab-muted);
      font-size: 0.9375rem;
    }
  `;

  @property() owner = '';
  @property() repo = '';
  @property() state: PullState = 'open';
  @property({ type: Number }) page = 1;

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  private _pulls = new Task(this, {
    task: ([owner, repo, state, page], { signal }) => listPulls(owner, repo, state, page, signal),
    args: () => [this.owner, this.repo, this.state, this.page] as const,
  });

  override render() {
    const links = new RepoLinks(this.owner, this.repo);
    const list = `${links.home}/pulls`;
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="pulls"></fab-repo-header>
      <h1>${t('pulls.title')}</h1>
      <div class="fab-pulls-bar">
        <nav aria-label=${t('pulls.filter')}>
          <ul>
            ${FILTERS.map(
              ([state, label]) => html`<li><a href=${`${list}?state=${state}`} aria-current=${this.state === state ? 'page' : 'false'}>${t(label)}</a></li>`,
            )}
          </ul>
        </nav>
        ${this._session.user ? html`<a class="fab-button" href=${`${list}/new`}>${t('pulls.new')}</a>` : nothing}
      </div>
      ${renderTask(this._pulls, (pulls) => this._renderList(pulls))}
    `;
  }

  private _renderList(pulls: PullRequest[]) {
    if (pulls.length === 0) return html`<p>${t(this.state === 'open' ? 'pulls.noneOpen' : 'pulls.none')}</p>`;
    const home = new RepoLinks(this.owner, this.repo).home;
    return html`
      <ol class="fab-pulls">
        ${pulls.map(
          (pull) => html`<li>
            <a class="fab-pull-title" href=${`${home}/pulls/${pull.number}`}>${pull.title}</a>
            <fab-commit-status .state=${pull.merge_state.checks.state}></fab-commit-status>
            ${pull.draft && pull.state === 'open' ? html`<span class="fab-draft">${t('pulls.draft')}</span>` : ''}
            <p class="fab-pull-info">
              ${t(pull.merged ? 'pulls.stateMerged' : pull.state === 'open' ? 'pulls.stateOpen' : 'pulls.stateClosed')} ·
              ${t('pulls.openedBy', { number: pull.number, user: pull.user.login })}
              <fab-relative-time .datetime=${pull.created_at}></fab-relative-time> ·
              ${t('pulls.intoBase', { head: pull.head.label, base: pull.base.ref })}
            </p>
          </li>`,
        )}
      </ol>
      <fab-pager .page=${this.page} ?hasNext=${pulls.length === PAGE_SIZE}></fab-pager>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-pulls-page': FabPullsPage;
  }
}
