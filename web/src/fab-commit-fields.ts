import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import './i18n/areas/create.js';

/**
 * The commit part of a form that writes files in the browser (edit a file, upload files): the
 * message, optionally a description, and where the commit goes (the branch, or a new branch for a
 * pull request). Its fields sit in the light DOM, so the page's `<form>` reads them: `message`,
 * `description`, `where` (`direct` or `branch`) and `new_branch`.
 */
@customElement('fab-commit-fields')
export class FabCommitFields extends LightDomElement {
  static override styles = css`
    /* The grid the page's form puts these fields in, with its own fields around them. */
    .fab-commit-fields {
      display: grid;
      gap: 1rem;
      max-width: 40rem;
    }
    fab-commit-fields {
      display: contents;
    }
    fab-commit-fields fieldset div {
      margin: 0.25rem 0;
    }
  `;

  /** Prefix of the fields' ids, unique in the page. */
  @property({ attribute: 'id-prefix' }) idPrefix = 'fab-commit';
  /** The branch the page writes to. */
  @property() branch = '';
  /** The message used when the field is left empty, shown in its hint. */
  @property() defaultMessage = '';
  /** Whether the commit takes a description (the pull request's body when it goes to a new branch). */
  @property({ type: Boolean }) description = false;
  /** Whether the writer chooses the branch; off when they may not push and the forge proposes the change. */
  @property({ type: Boolean }) chooseBranch = true;
  /** A new branch's proposed name, then required; empty lets the forge name it (the field's hint says so). */
  @property() suggestedBranch = '';

  @state() private _toNewBranch = false;

  private _locale = new LocaleController(this);

  override render() {
    const id = (name: string) => `${this.idPrefix}-${name}`;
    return html`
      <div>
        <label for=${id('message')}>${t('edit.message')}</label>
        <span class="fab-hint" id=${id('message-hint')}>${t('edit.messageHint', { message: this.defaultMessage })}</span>
        <input id=${id('message')} name="message" aria-describedby=${id('message-hint')} />
      </div>
      ${this.description
        ? html`<div>
            <label for=${id('description')}>${t('edit.description')}</label>
            <textarea id=${id('description')} name="description" class="fab-short"></textarea>
          </div>`
        : nothing}
      ${this.chooseBranch
        ? html`<fieldset>
            <legend>${t('edit.where')}</legend>
            <div>
              <input type="radio" id=${id('direct')} name="where" value="direct" ?checked=${!this._toNewBranch} @change=${() => (this._toNewBranch = false)} />
              <label for=${id('direct')}>${t('edit.direct', { branch: this.branch })}</label>
            </div>
            <div>
              <input type="radio" id=${id('branch')} name="where" value="branch" ?checked=${this._toNewBranch} @change=${() => (this._toNewBranch = true)} />
              <label for=${id('branch')}>${t('edit.newBranch')}</label>
            </div>
            ${this._toNewBranch ? this._renderBranchName(id) : nothing}
          </fieldset>`
        : nothing}
    `;
  }

  private _renderBranchName(id: (name: string) => string) {
    if (this.suggestedBranch) {
      return html`<div>
        <label for=${id('branch-name')}>${t('edit.branchName')}</label>
        <input id=${id('branch-name')} name="new_branch" required .value=${this.suggestedBranch} />
      </div>`;
    }
    return html`<div>
      <label for=${id('branch-name')}>${t('edit.branchName')}</label>
      <span class="fab-hint" id=${id('branch-name-hint')}>${t('edit.branchNameHint')}</span>
      <input id=${id('branch-name')} name="new_branch" aria-describedby=${id('branch-name-hint')} />
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-commit-fields': FabCommitFields;
  }
}
