import { css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import './i18n/areas/browse.js';
import { pageBranches, pageTags, type RefKind } from './api/browse.js';
import { RepoLinks, shortSha } from './browse-links.js';
import { router } from './routes.js';

let counter = 0;
/** How many names the menu shows; the server searches every ref, so typing reaches the others. */
const MENU_SIZE = 50;
/** The wait after the last key before the server is asked, so that typing a name asks once. */
const SEARCH_DELAY_MS = 150;

type Tab = 'branch' | 'tag';

/**
 * Chooses the branch or tag a page shows: a button opening a searchable menu (ARIA combobox with a
 * listbox), with Branches and Tags tabs. Typing asks the server, which searches every ref, not
 * only the first page; arrow keys move through the names, Enter or a click goes there, Escape closes.
 */
@customElement('fab-ref-switcher')
export class FabRefSwitcher extends LightDomElement {
  static override styles = css`
    fab-ref-switcher {
      display: block;
    }
    fab-ref-switcher .fab-ref {
      position: relative;
      display: inline-block;
      max-width: 100%;
    }
    fab-ref-switcher .fab-ref-button {
      max-width: 100%;
      font: inherit;
      padding: 0.375rem 0.75rem;
      color: var(--fab-text);
      background: var(--fab-surface);
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
      cursor: pointer;
      overflow-wrap: anywhere;
      text-align: left;
    }
    fab-ref-switcher .fab-ref-popup {
      position: absolute;
      z-index: 10;
      top: calc(100% + 0.25rem);
      left: 0;
      width: min(24rem, calc(100vw - 2rem));
      padding: 0.5rem;
      background: var(--fab-bg);
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
      box-shadow: 0 0.5rem 1.5rem rgb(0 0 0 / 0.15);
    }
    fab-ref-switcher .fab-ref-tabs {
      display: flex;
      gap: 0.25rem;
      margin-bottom: 0.5rem;
    }
    fab-ref-switcher .fab-ref-tabs button {
      flex: 1;
      font: inherit;
      padding: 0.25rem 0.5rem;
      color: var(--fab-text);
      background: var(--fab-bg);
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
      cursor: pointer;
    }
    fab-ref-switcher .fab-ref-tabs button[aria-pressed='true'] {
      font-weight: 600;
      border-color: var(--fab-accent);
      box-shadow: inset 0 -3px 0 var(--fab-accent);
    }
    fab-ref-switcher input {
      box-sizing: border-box;
      width: 100%;
      font: inherit;
      padding: 0.375rem 0.5rem;
      color: var(--fab-text);
      background: var(--fab-bg);
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
    }
    fab-ref-switcher [role='listbox'] {
      max-height: 18rem;
      margin: 0.5rem 0 0;
      padding: 0;
      overflow-y: auto;
      list-style: none;
    }
    fab-ref-switcher [role='option'] {
      padding: 0.25rem 0.5rem;
      font-family: var(--fab-mono);
      font-size: 0.875rem;
      border-radius: var(--fab-radius);
      cursor: pointer;
      overflow-wrap: anywhere;
    }
    fab-ref-switcher [role='option'][aria-selected='true'] {
      font-weight: 700;
    }
    fab-ref-switcher [role='option'].fab-active {
      color: var(--fab-on-accent);
      background: var(--fab-accent);
    }
    fab-ref-switcher .fab-ref-note {
      margin: 0.5rem 0 0;
      color: var(--fab-muted);
      font-size: 0.8125rem;
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

  @state() private _open = false;
  @state() private _tab: Tab = 'branch';
  @state() private _query = '';
  @state() private _active = 0;

  private _locale = new LocaleController(this);
  private readonly _id = `fab-ref-${++counter}`;
  private _timer: ReturnType<typeof setTimeout> | undefined;

  private _names = new Task(this, {
    task: async ([owner, repo, open, tab, q], { signal }) => {
      if (!open) return null;
      const paging = { q, limit: MENU_SIZE };
      const { items, total } = tab === 'branch' ? await pageBranches(owner, repo, paging, signal) : await pageTags(owner, repo, paging, signal);
      return { names: items.map((item) => item.name), total };
    },
    args: () => [this.owner, this.repo, this._open, this._tab, this._query] as const,
  });

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this._timer);
  }

  private async _toggle() {
    this._open = !this._open;
    if (!this._open) return;
    this._tab = this.kind === 'tag' ? 'tag' : 'branch';
    this._active = 0;
    await this.updateComplete;
    this.querySelector<HTMLInputElement>('input')?.focus();
  }

  private _close() {
    this._open = false;
    this.querySelector<HTMLButtonElement>('.fab-ref-button')?.focus();
  }

  private _onInput(event: InputEvent) {
    const value = (event.target as HTMLInputElement).value.trim();
    clearTimeout(this._timer);
    this._timer = setTimeout(() => {
      this._query = value;
      this._active = 0;
    }, SEARCH_DELAY_MS);
  }

  private _choose(name: string) {
    const links = new RepoLinks(this.owner, this.repo);
    this._open = false;
    router.navigate(this.target === 'src' ? links.src(this._tab, name, this.path) : links.commits(this._tab, name, this.path));
  }

  private _onKeydown(event: KeyboardEvent) {
    const names = this._names.value?.names ?? [];
    if (event.key === 'Escape') {
      event.preventDefault();
      this._close();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (names.length === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      this._active = (this._active + step + names.length) % names.length;
      this.querySelector(`#${this._id}-opt-${this._active}`)?.scrollIntoView({ block: 'nearest' });
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const name = names[this._active];
      if (name !== undefined) this._choose(name);
    }
  }

  private _setTab(tab: Tab) {
    this._tab = tab;
    this._active = 0;
    this.querySelector<HTMLInputElement>('input')?.focus();
  }

  override render() {
    const current = this.kind === 'commit' ? t('ref.commit', { sha: shortSha(this.ref) }) : this.ref;
    const list = this._names.value;
    const names = list?.names ?? [];
    const listbox = `${this._id}-list`;
    const active = names.length > 0 ? `${this._id}-opt-${Math.min(this._active, names.length - 1)}` : '';
    return html`
      <div class="fab-ref" @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this._open && this._close()}>
        <button type="button" class="fab-ref-button" aria-expanded=${this._open ? 'true' : 'false'} aria-controls=${`${this._id}-popup`} @click=${this._toggle}>
          ${t('visitor.refButton', { ref: current })} <span aria-hidden="true">▾</span>
        </button>
        <div class="fab-ref-popup" id=${`${this._id}-popup`} ?hidden=${!this._open}>
          <div class="fab-ref-tabs">
            <button type="button" aria-pressed=${this._tab === 'branch' ? 'true' : 'false'} @click=${() => this._setTab('branch')}>${t('ref.branches')}</button>
            <button type="button" aria-pressed=${this._tab === 'tag' ? 'true' : 'false'} @click=${() => this._setTab('tag')}>${t('ref.tags')}</button>
          </div>
          <input
            type="text"
            role="combobox"
            autocomplete="off"
            spellcheck="false"
            aria-label=${t('visitor.refSearch')}
            aria-autocomplete="list"
            aria-expanded=${this._open ? 'true' : 'false'}
            aria-controls=${listbox}
            aria-activedescendant=${active}
            @input=${this._onInput}
            @keydown=${this._onKeydown}
          />
          <ul role="listbox" id=${listbox} aria-label=${this._tab === 'branch' ? t('ref.branches') : t('ref.tags')}>
            ${names.map(
              (name, i) => html`<li
                role="option"
                id=${`${this._id}-opt-${i}`}
                class=${`${this._id}-opt-${i}` === active ? 'fab-active' : ''}
                aria-selected=${this.kind === this._tab && name === this.ref ? 'true' : 'false'}
                @click=${() => this._choose(name)}
              >${name}</li>`,
            )}
          </ul>
          ${list && names.length === 0 ? html`<p class="fab-ref-note">${t('visitor.refNone')}</p>` : ''}
          ${list && list.total > names.length ? html`<p class="fab-ref-note">${t('visitor.refMore', { shown: names.length, total: list.total })}</p>` : ''}
        </div>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-ref-switcher': FabRefSwitcher;
  }
}
