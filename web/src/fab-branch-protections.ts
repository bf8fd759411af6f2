import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t, type MessageKey } from './i18n/index.js';
import './i18n/areas/repoSettings.js';
import type { ApiError } from './api/client.js';
import {
  createBranchProtection,
  deleteBranchProtection,
  editBranchProtection,
  listBranchProtections,
  type BranchProtection,
  type BranchProtectionFields,
} from './api/branch-protections.js';
import { apiErrorText, asApiError, formStyles } from './forms.js';

/** A list typed as "a, b; c": names separated by commas, semicolons or spaces. */
const names = (text: FormDataEntryValue | null) =>
  String(text ?? '')
    .split(/[\s,;]+/)
    .filter((name) => name !== '');

const CHECKBOXES: ReadonlyArray<[keyof BranchProtectionFields, MessageKey]> = [
  ['enable_push', 'protection.enablePush'],
  ['enable_force_push', 'protection.enableForcePush'],
  ['dismiss_stale_approvals', 'protection.dismissStale'],
  ['block_on_rejected_reviews', 'protection.blockRejected'],
  ['enable_status_check', 'protection.enableStatusCheck'],
];

/**
 * The branch protection rules of a repository, in its settings: one form per rule (branch name or
 * pattern, push allow-list by user and team, force push, required approvals, stale approvals,
 * requested changes, status checks, protected files), a form for a new rule, and deletion.
 */
@customElement('fab-branch-protections')
export class FabBranchProtections extends LightDomElement {
  static override styles = [
    formStyles,
    css`
      fab-branch-protections {
        display: block;
      }
      fab-branch-protections details {
        margin: 0.5rem 0;
        padding: 0.5rem 0.75rem;
        border: 1px solid var(--fab-border);
        border-radius: var(--fab-radius);
      }
      fab-branch-protections summary {
        font-family: var(--fab-mono);
        cursor: pointer;
      }
    `,
  ];

  @property() owner = '';
  @property() repo = '';

  @state() private _error: ApiError | null = null;
  @state() private _saved: string | null = null;

  private _locale = new LocaleController(this);

  private _rules = new Task(this, {
    task: ([owner, repo], { signal }) => listBranchProtections(owner, repo, signal),
    args: () => [this.owner, this.repo] as const,
  });

  override render() {
    return html`<h2 id="protection-heading">${t('protection.heading')}</h2>
      <p class="fab-hint">${t('protection.intro')}</p>
      <div class="fab-alert" role="alert">${this._error ? apiErrorText(this._error, {}) : nothing}</div>
      <div role="status">${this._saved ? html`<p class="fab-success">${this._saved}</p>` : nothing}</div>
      ${this._rules.render({
        complete: (rules) =>
          rules.length === 0
            ? html`<p>${t('protection.none')}</p>`
            : rules.map(
                (rule, index) => html`<details>
                  <summary>${rule.rule_name}</summary>
                  ${this._renderForm(rule, `rule-${index}`)}
                  <button class="fab-button fab-danger" type="button" @click=${() => this._delete(rule.rule_name)}>
                    ${t('protection.delete', { rule: rule.rule_name })}
                  </button>
                </details>`,
              ),
      })}
      <h3>${t('protection.new')}</h3>
      ${this._renderForm(null, 'rule-new')}`;
  }

  private _renderForm(rule: BranchProtection | null, id: string) {
    const text = (name: string, label: MessageKey, value: string, hint?: MessageKey) => html`<div>
      <label for=${`${id}-${name}`}>${t(label)}</label>
      ${hint ? html`<span class="fab-hint" id=${`${id}-${name}-hint`}>${t(hint)}</span>` : nothing}
      <input id=${`${id}-${name}`} name=${name} type="text" autocomplete="off" .value=${value} aria-describedby=${hint ? `${id}-${name}-hint` : nothing} />
    </div>`;
    return html`<form class="fab-form" @submit=${(event: SubmitEvent) => this._save(event, rule)}>
      ${rule
        ? nothing
        : html`<div>
            <label for=${`${id}-rule_name`}>${t('protection.ruleName')}</label>
            <span class="fab-hint" id=${`${id}-rule_name-hint`}>${t('protection.ruleNameHint')}</span>
            <input id=${`${id}-rule_name`} name="rule_name" type="text" required autocomplete="off" aria-describedby=${`${id}-rule_name-hint`} />
          </div>`}
      ${CHECKBOXES.map(
        ([name, label]) => html`<div>
          <input type="checkbox" id=${`${id}-${name}`} name=${name} ?checked=${rule ? rule[name] === true : false} />
          <label for=${`${id}-${name}`}>${t(label)}</label>
        </div>`,
      )}
      ${text('push_whitelist_usernames', 'protection.pushUsers', rule?.push_whitelist_usernames.join(', ') ?? '', 'protection.pushListHint')}
      ${text('push_whitelist_teams', 'protection.pushTeams', rule?.push_whitelist_teams.join(', ') ?? '')}
      <div>
        <label for=${`${id}-required_approvals`}>${t('protection.requiredApprovals')}</label>
        <input id=${`${id}-required_approvals`} name="required_approvals" type="number" min="0" max="100" .value=${String(rule?.required_approvals ?? 0)} />
      </div>
      ${text('status_check_contexts', 'protection.statusChecks', rule?.status_check_contexts.join(', ') ?? '')}
      ${text('protected_file_patterns', 'protection.protectedFiles', rule?.protected_file_patterns ?? '', 'protection.protectedFilesHint')}
      <button class="fab-button" type="submit">${t(rule ? 'protection.save' : 'protection.create')}</button>
    </form>`;
  }

  private async _save(event: SubmitEvent, rule: BranchProtection | null) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const users = names(data.get('push_whitelist_usernames'));
    const teams = names(data.get('push_whitelist_teams'));
    const fields: BranchProtectionFields = {
      enable_push: data.get('enable_push') === 'on',
      // An allow-list typed in means pushes are limited to it.
      enable_push_whitelist: users.length + teams.length > 0,
      push_whitelist_usernames: users,
      push_whitelist_teams: teams,
      enable_force_push: data.get('enable_force_push') === 'on',
      required_approvals: Number(data.get('required_approvals') ?? 0),
      dismiss_stale_approvals: data.get('dismiss_stale_approvals') === 'on',
      block_on_rejected_reviews: data.get('block_on_rejected_reviews') === 'on',
      enable_status_check: data.get('enable_status_check') === 'on',
      status_check_contexts: names(data.get('status_check_contexts')),
      protected_file_patterns: String(data.get('protected_file_patterns') ?? '').trim(),
    };
    this._error = null;
    this._saved = null;
    try {
      const saved = rule
        ? await editBranchProtection(this.owner, this.repo, rule.rule_name, fields)
        : await createBranchProtection(this.owner, this.repo, String(data.get('rule_name') ?? '').trim(), fields);
      this._saved = t('protection.saved', { rule: saved.rule_name });
      if (!rule) form.reset();
      void this._rules.run();
    } catch (err) {
      this._error = asApiError(err);
    }
  }

  private async _delete(ruleName: string) {
    this._error = null;
    this._saved = null;
    try {
      await deleteBranchProtection(this.owner, this.repo, ruleName);
      this._saved = t('protection.deleted', { rule: ruleName });
      void this._rules.run();
    } catch (err) {
      this._error = asApiError(err);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-branch-protections': FabBranchProtections;
  }
}
