import { css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t, type MessageKey } from '../i18n/index.js';
import '../i18n/areas/issues.js';
import {
  countIssues,
  ISSUE_SORTS,
  ISSUES_PAGE_SIZE,
  listIssues,
  listLabels,
  listMilestones,
  type Issue,
  type IssueFilter,
  type IssueSort,
  type IssueState,
} from '../api/issues.js';
import { RepoLinks } from '../browse-links.js';
import { formStyles } from '../forms.js';
import { router } from '../routes.js';
import { SessionController } from '../session.js';
import { renderTask } from '../task-status.js';
import '../fab-repo-header.js';
import '../fab-relative-time.js';
import '../fab-pager.js';
import '../fab-issue-label.js';

const SORT_LABELS: Record<IssueSort, MessageKey> = {
  newest: 'issues.sortNewest',
  oldest: 'issues.sortOldest',
  recentupdate: 'issues.sortUpdated',
  mostcomment: 'issues.sortComments',
};

/** The filter an address's query names (`?state=closed&labels=bug,doc&q=...`); what it does not name is the default. */
function filterOf(query: URLSearchParams): IssueFilter {
  const sort = query.get('sort') ?? '';
  return {
    state: query.get('state') === 'closed' ? 'closed' : 'open',
    labels: (query.get('labels') ?? '').split(',').filter((name) => name !== ''),
    milestone: query.get('milestone') ?? '',
    assignee: query.get('assignee') ?? '',
    author: query.get('author') ?? '',
    q: query.get('q') ?? '',
    sort: (ISSUE_SORTS as readonly string[]).includes(sort) ? (sort as IssueSort) : 'newest',
  };
}

/** The query of a filter, leaving out what is the default, so that a shared address stays short. */
function queryOf(filter: IssueFilter, page = 1): string {
  const query = new URLSearchParams();
  if (filter.state !== 'open') query.set('state', filter.state);
  if (filter.labels.length > 0) query.set('labels', filter.labels.join(','));
  if (filter.milestone) query.set('milestone', filter.milestone);
  if (filter.assignee) query.set('assignee', filter.assignee);
  if (filter.author) query.set('author', filter.author);
  if (filter.q) query.set('q', filter.q);
  if (filter.sort !== 'newest') query.set('sort', filter.sort);
  if (page > 1) query.set('page', String(page));
  const text = query.toString();
  return text ? `?${text}` : '';
}

/**
 * `/{owner}/{repo}/issues`: the open or closed issues, filtered by labels, milestone, assignee,
 * author and text, sorted; the whole filter lives in the address so that a filtered list can be shared.
 */
@customElement('fab-issues-page')
export class FabIssuesPage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-issues-page .fab-issues-bar {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        gap: 0.5rem 1rem;
        align-items: center;
      }
      fab-issues-page .fab-issues-bar ul,
      fab-issues-page .fab-issues-links {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1.25rem;
        align-items: center;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      fab-issues-page .fab-issues-bar a[aria-current='page'] {
        font-weight: 600;
        text-decoration-thickness: 3px;
      }
      fab-issues-page form.fab-issue-filters {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr));
        gap: 0.75rem 1rem;
        align-items: end;
        max-width: none;
        margin: 1rem 0;
      }
      fab-issues-page form.fab-issue-filters .fab-issue-search {
        grid-column: 1 / -1;
      }
      fab-issues-page form.fab-issue-filters fieldset {
        grid-column: 1 / -1;
      }
      fab-issues-page form.fab-issue-filters fieldset li {
        display: flex;
        gap: 0.375rem;
        align-items: center;
      }
      fab-issues-page form.fab-issue-filters fieldset ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      fab-issues-page form.fab-issue-filters .fab-filter-actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
      }
      fab-issues-page ol.fab-issues {
        margin: 1rem 0 0;
        padding: 0;
        list-style: none;
        border: 1px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-issues-page ol.fab-issues > li {
        padding: 0.5rem 0.75rem;
        overflow-wrap: anywhere;
      }
      fab-issues-page ol.fab-issues > li + li {
        border-top: 1px solid var(--fab-border);
      }
      fab-issues-page .fab-issue-title {
        margin-right: 0.5rem;
        font-weight: 600;
      }
      fab-issues-page .fab-issue-labels {
        display: inline-flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        vertical-align: middle;
      }
      fab-issues-page .fab-issue-info {
        margin: 0.125rem 0 0;
        color: var(--fab-muted);
        font-size: 0.9375rem;
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';
  /** The address's query (`location.search`): the filter and the page. */
  @property() query = '';

  private _locale = new LocaleController(this);
  private _session = new SessionController(this);

  private get _filter(): IssueFilter {
    return filterOf(new URLSearchParams(this.query));
  }

  private get _page(): number {
    return Math.max(1, Number.parseInt(new URLSearchParams(this.query).get('page') ?? '1', 10) || 1);
  }

  private _issues = new Task(this, {
    task: async ([owner, repo, query], { signal }) => {
      const filter = filterOf(new URLSearchParams(query));
      const [list, open, closed] = await Promise.all([
        listIssues(owner, repo, filter, this._page, signal),
        countIssues(owner, repo, filter, 'open', signal),
        countIssues(owner, repo, filter, 'closed', signal),
      ]);
      return { ...list, open, closed };
    },
    args: () => [this.owner, this.repo, this.query] as const,
  });

  // What the filter form offers; a failure leaves the choice lists empty, the list itself still shows.
  private _choices = new Task(this, {
    task: async ([owner, repo], { signal }) => {
      const [labels, milestones] = await Promise.all([listLabels(owner, repo, signal).catch(() => []), listMilestones(owner, repo, signal).catch(() => [])]);
      return { labels, milestones };
    },
    args: () => [this.owner, this.repo] as const,
  });

  override render() {
    const links = new RepoLinks(this.owner, this.repo);
    const list = `${links.home}/issues`;
    const filter = this._filter;
    const counts = this._issues.value;
    // The counts follow the other filters, as on the big forges, and come with the list.
    const tab = (state: IssueState, count: number | undefined) =>
      html`<li>
        <a href=${`${list}${queryOf({ ...filter, state })}`} aria-current=${filter.state === state ? 'page' : 'false'}
          >${count === undefined
            ? t(state === 'open' ? 'issues.filterOpen' : 'issues.filterClosed')
            : t(state === 'open' ? 'issues.openCount' : 'issues.closedCount', { count })}</a
        >
      </li>`;
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="issues"></fab-repo-header>
      <h1>${t('issues.title')}</h1>
      <div class="fab-issues-bar">
        <nav aria-label=${t('issues.stateNav')}>
          <ul>
            ${tab('open', counts?.open)} ${tab('closed', counts?.closed)}
          </ul>
        </nav>
        <p class="fab-issues-links">
          <a href=${`${links.home}/labels`}>${t('labels.title')}</a>
          <a href=${`${links.home}/milestones`}>${t('milestones.title')}</a>
          ${this._session.user ? html`<a class="fab-button" href=${`${list}/new`}>${t('issues.new')}</a>` : nothing}
        </p>
      </div>
      ${this._renderFilters(filter)} ${renderTask(this._issues, ({ issues, total }) => this._renderList(issues, total, filter))}
    `;
  }

  private _renderFilters(filter: IssueFilter) {
    const choices = this._choices.value;
    const active = filter.labels.length > 0 || filter.milestone || filter.assignee || filter.author || filter.q || filter.sort !== 'newest';
    return html`<form class="fab-form fab-issue-filters" role="search" aria-label=${t('issues.filters')} @submit=${this._applyFilters}>
      <div class="fab-issue-search">
        <label for="fab-issues-q">${t('issues.search')}</label>
        <input id="fab-issues-q" name="q" type="search" .value=${filter.q} />
      </div>
      ${choices && choices.labels.length > 0
        ? html`<fieldset>
            <legend>${t('issues.labelsFilter')}</legend>
            <ul>
              ${choices.labels.map(
                (label) => html`<li>
                  <input type="checkbox" id=${`fab-filter-label-${label.id}`} name="labels" value=${label.name} .checked=${filter.labels.includes(label.name)} />
                  <label for=${`fab-filter-label-${label.id}`}><fab-issue-label .label=${label}></fab-issue-label></label>
                </li>`,
              )}
            </ul>
          </fieldset>`
        : nothing}
      <div>
        <label for="fab-issues-milestone">${t('issues.milestone')}</label>
        <select id="fab-issues-milestone" name="milestone">
          <option value="" ?selected=${filter.milestone === ''}>${t('issues.any')}</option>
          ${(choices?.milestones ?? []).map((m) => html`<option value=${m.title} ?selected=${filter.milestone === m.title}>${m.title}</option>`)}
        </select>
      </div>
      <div>
        <label for="fab-issues-assignee">${t('issues.assignee')}</label>
        <input id="fab-issues-assignee" name="assignee" .value=${filter.assignee} autocomplete="off" />
      </div>
      <div>
        <label for="fab-issues-author">${t('issues.author')}</label>
        <input id="fab-issues-author" name="author" .value=${filter.author} autocomplete="off" />
      </div>
      <div>
        <label for="fab-issues-sort">${t('issues.sort')}</label>
        <select id="fab-issues-sort" name="sort">
          ${ISSUE_SORTS.map((sort) => html`<option value=${sort} ?selected=${filter.sort === sort}>${t(SORT_LABELS[sort])}</option>`)}
        </select>
      </div>
      <div class="fab-filter-actions">
        <button type="submit" class="fab-button">${t('issues.applyFilters')}</button>
        ${active ? html`<a href=${`${new RepoLinks(this.owner, this.repo).home}/issues${queryOf({ ...filterOf(new URLSearchParams()), state: filter.state })}`}>${t('issues.clearFilters')}</a>` : nothing}
      </div>
    </form>`;
  }

  private _applyFilters = (event: SubmitEvent) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const sort = text('sort');
    const filter: IssueFilter = {
      state: this._filter.state,
      labels: data.getAll('labels').map(String),
      milestone: text('milestone'),
      assignee: text('assignee'),
      author: text('author'),
      q: text('q'),
      sort: (ISSUE_SORTS as readonly string[]).includes(sort) ? (sort as IssueSort) : 'newest',
    };
    router.navigate(`${new RepoLinks(this.owner, this.repo).home}/issues${queryOf(filter)}`);
  };

  private _renderList(issues: Issue[], total: number, filter: IssueFilter) {
    if (issues.length === 0) return html`<p>${t(filter.state === 'open' ? 'issues.noneOpen' : 'issues.noneClosed')}</p>`;
    const home = new RepoLinks(this.owner, this.repo).home;
    return html`
      <ol class="fab-issues" aria-label=${t(filter.state === 'open' ? 'issues.listOpen' : 'issues.listClosed')}>
        ${issues.map(
          (issue) => html`<li data-number=${issue.number}>
            <a class="fab-issue-title" href=${`${home}/issues/${issue.number}`}>${issue.title}</a>
            ${issue.labels.length > 0
              ? html`<span class="fab-issue-labels">${issue.labels.map((label) => html`<fab-issue-label .label=${label}></fab-issue-label>`)}</span>`
              : nothing}
            <p class="fab-issue-info">
              ${issue.pin_order > 0 ? html`${t('issues.pinned')} · ` : nothing}
              ${t(issue.state === 'open' ? 'issues.openedBy' : 'issues.closedBy', { number: issue.number, user: issue.user.login })}
              <fab-relative-time .datetime=${issue.state === 'open' ? issue.created_at : (issue.closed_at ?? issue.updated_at)}></fab-relative-time>
              ${issue.milestone ? html` · ${t('issues.inMilestone', { title: issue.milestone.title })}` : nothing}
              ${issue.assignees.length > 0 ? html` · ${t('issues.assignedTo', { users: issue.assignees.map((a) => a.login).join(', ') })}` : nothing}
              ${issue.comments > 0 ? html` · ${t('issues.comments', { count: issue.comments })}` : nothing}
            </p>
          </li>`,
        )}
      </ol>
      <fab-pager .page=${this._page} ?hasNext=${this._page * ISSUES_PAGE_SIZE < total}></fab-pager>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-issues-page': FabIssuesPage;
  }
}
