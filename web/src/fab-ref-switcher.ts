import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import { listBranches, listTags, type RefKind } from './api/browse.js';
import { RepoLinks, shortSha } from './browse-links.js';
import { router } from './routes.js';

let counter = 0;

/**
 * Chooses the branch or tag a page shows: a labelled `<select>` and a button, so that moving
 * through the options with the keyboard does not leave the page (WCAG 3.2.2).
 */
@customElement('fab-ref-switcher')
export class FabRefSwitcher extends LightDomElement {
  static override styles = css`
    fab-ref-switcher form {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
    }
    fab-ref-switcher select,
    fab-ref-switcher button {
      font: inherit;
      padding: 0.25rem 0.5rem;
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
    }
    fab-ref-switcher select {
      max-width: 20rem;
      background: var(--fab-bg);
      color: var(--fab-text);
    }
    fab-ref-switcher button {
      color: var(--fab-on-accent);
      background: var(--fab-accent);
      border-color: var(--fab-accent);
      cursor: pointer;
    }
  `;

  @property() owner = '';
  @property() repo = '';
  @property() kind: RefKind = 'branch';
  @property() ref = '';
  /** The path the page shows, kept when switching. */
  @property() path = '';
  /** Which page the switch leads to: the files or the history. */
  @property() target: 'src' | 'commits' = 'src';

  private _locale = new LocaleController(this);
  private readonly _id = `fab-ref-${++counter}`;

  private _refs = new Task(this, {
    task: async ([owner, repo], { signal }) => {
      const [branches, tags] = await Promise.all([listBranches(owner, repo, signal), listTags(owner, repo, signal)]);
      return { branches: branches.map((b) => b.name), tags: tags.map((tag) => tag.name) };
    },
    args: () => [this.owner, this.repo] as const,
  });

  private _onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const select = this.querySelector('select');
    if (!select) return;
    const [kind, ...rest] = select.value.split(':');
    const links = new RepoLinks(this.owner, this.repo);
    const ref = rest.join(':');
    router.navigate(this.target === 'src' ? links.src(kind as RefKind, ref, this.path) : links.commits(kind as RefKind, ref, this.path));
  }

  override render() {
    const { branches = [], tags = [] } = this._refs.value ?? {};
    const current = `${this.kind}:${this.ref}`;
    const option = (kind: RefKind, name: string) => html`<option value=${`${kind}:${name}`} ?selected=${current === `${kind}:${name}`}>${name}</option>`;
    return html`
      <form @submit=${this._onSubmit}>
        <label for=${this._id}>${t('ref.label')}</label>
        <select id=${this._id}>
          ${this.kind === 'commit' ? html`<option value=${current} selected>${t('ref.commit', { sha: shortSha(this.ref) })}</option>` : ''}
          ${branches.length === 0 && this.kind === 'branch' ? option('branch', this.ref) : ''}
          ${branches.length ? html`<optgroup label=${t('ref.branches')}>${branches.map((name) => option('branch', name))}</optgroup>` : ''}
          ${tags.length ? html`<optgroup label=${t('ref.tags')}>${tags.map((name) => option('tag', name))}</optgroup>` : ''}
          ${tags.length === 0 && this.kind === 'tag' ? option('tag', this.ref) : ''}
        </select>
        <button type="submit">${t('ref.show')}</button>
      </form>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-ref-switcher': FabRefSwitcher;
  }
}
