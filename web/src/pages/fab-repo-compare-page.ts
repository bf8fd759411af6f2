import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/browse.js';
import '../i18n/areas/pulls.js';
import { ApiError } from '../api/client.js';
import { compare, type Comparison } from '../api/browse.js';
import { tCount } from '../browse-links.js';
import { formStyles } from '../forms.js';
import { renderTask } from '../task-status.js';
import '../fab-repo-header.js';
import '../fab-commit-list.js';
import '../fab-diff-view.js';

/** `base...head` → its two refs, or null. */
export function parseCompareSpec(spec: string): { base: string; head: string } | null {
  const dots = spec.indexOf('...');
  if (dots <= 0 || dots + 3 >= spec.length) return null;
  return { base: spec.slice(0, dots), head: spec.slice(dots + 3) };
}

/** `/{owner}/{repo}/compare/{base}...{head}`: the commits of head that base lacks, and the diff since their merge base. */
@customElement('fab-repo-compare-page')
export class FabRepoComparePage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
    fab-repo-compare-page h2 {
      font-size: 1.25rem;
    }
    /* \`main...someone:branch\` is one long word: on a phone it must break rather than widen the page. */
    fab-repo-compare-page h1 {
      overflow-wrap: anywhere;
    }
  `,
  ];

  @property() owner = '';
  @property() repo = '';
  /** `base...head`. */
  @property() spec = '';

  private _locale = new LocaleController(this);

  private _comparison = new Task(this, {
    task: ([owner, repo, spec], { signal }) => {
      const refs = parseCompareSpec(spec);
      if (!refs) throw new ApiError(404, 'not found');
      return compare(owner, repo, refs.base, refs.head, 0, signal);
    },
    args: () => [this.owner, this.repo, this.spec] as const,
  });

  override render() {
    const refs = parseCompareSpec(this.spec);
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="branches"></fab-repo-header>
      <h1>${refs ? t('compare.heading', refs) : t('compare.invalid')}</h1>
      ${refs ? renderTask(this._comparison, (comparison) => this._renderComparison(comparison)) : ''}
    `;
  }

  private _renderComparison(comparison: Comparison) {
    if (comparison.merge_base === null) return html`<p>${t('compare.noMergeBase')}</p>`;
    if (comparison.total_commits === 0) return html`<p>${t('compare.same', { base: comparison.base.name, head: comparison.head.name })}</p>`;
    const { base, head } = comparison;
    // A fork's branch (`{user}:{branch}`): its commits link into the fork, the pull request names it as Gitea does.
    const fork = comparison.head_repository;
    const headSpec = fork ? `${fork.owner}:${head.name}` : head.name;
    const load = (offset: number, signal: AbortSignal) => compare(this.owner, this.repo, base.name, headSpec, offset, signal).then((c) => c.diff);
    return html`
      ${fork ? html`<p>${t('compare.headRepository', { repo: fork.full_name })}</p>` : ''}
      <p><a class="fab-button" href=${`/${encodeURIComponent(this.owner)}/${encodeURIComponent(this.repo)}/pulls/new?${new URLSearchParams({ base: base.name, head: headSpec })}`}>${t('pulls.new')}</a></p>
      <h2>${tCount('compare.commits', comparison.total_commits)}</h2>
      <fab-commit-list .owner=${fork?.owner ?? this.owner} .repo=${fork?.name ?? this.repo} .commits=${comparison.commits}></fab-commit-list>
      <h2>${t('commit.changes')}</h2>
      <fab-diff-view .diff=${comparison.diff} .loadFrom=${load}></fab-diff-view>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-repo-compare-page': FabRepoComparePage;
  }
}
