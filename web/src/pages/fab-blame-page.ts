import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/browse.js';
import { ApiError } from '../api/client.js';
import { getBlame, type Blame, type RefKind } from '../api/browse.js';
import { RepoLinks, tCount } from '../browse-links.js';
import { renderTask } from '../task-status.js';
import '../fab-repo-header.js';
import '../fab-code-view.js';
import { fileBoxStyles } from '../file-box.js';

/**
 * `/{owner}/{repo}/blame/{kind}/{ref}/{path}`: a file's highlighted lines, each block with the
 * commit that last changed it (short id, subject, author, age) and a bar shaded by age; the `y`
 * key leads to the same blame at the commit.
 */
@customElement('fab-blame-page')
export class FabBlamePage extends LightDomElement {
  static override styles = [
    fileBoxStyles,
    css`
    fab-blame-page h1 {
      overflow-wrap: anywhere;
    }
    fab-blame-page .fab-blame-hint {
      margin: 0 0 0.75rem;
      color: var(--fab-muted);
    }
  `,
  ];

  @property() owner = '';
  @property() repo = '';
  @property() kind: RefKind = 'branch';
  @property() ref = '';
  @property() path = '';

  private _locale = new LocaleController(this);

  private _blame = new Task(this, {
    task: ([owner, repo, kind, ref, path], { signal }) => {
      if (!['branch', 'tag', 'commit'].includes(kind) || path === '') throw new ApiError(404, 'not found');
      // The server splits `ref/path` itself: a branch name may hold slashes.
      return getBlame(owner, repo, ref, path, signal);
    },
    args: () => [this.owner, this.repo, this.kind, this.ref, this.path] as const,
  });

  override render() {
    const loaded = this._blame.value;
    const path = loaded?.path ?? this.path;
    const name = path.split('/').pop() ?? path;
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="code" .kind=${this.kind} .ref=${loaded?.ref.name ?? this.ref}></fab-repo-header>
      <h1>${t('blame.title', { name })}</h1>
      ${renderTask(this._blame, (blame) => this._renderBlame(blame))}
    `;
  }

  private _renderBlame(blame: Blame) {
    const links = new RepoLinks(this.owner, this.repo);
    const kind = blame.ref.kind;
    return html`
      <p class="fab-blame-hint">${t('blame.hint')}</p>
      <div class="fab-file-bar">
        <p>${blame.path}${blame.lines ? html` · ${tCount('src.lines', blame.lines.length)}` : ''}</p>
        <ul class="fab-actions">
          <li><a href=${links.src(kind, blame.ref.name, blame.path)}>${t('blame.normalView')}</a></li>
          <li><a href=${links.commits(kind, blame.ref.name, blame.path)}>${t('src.history')}</a></li>
        </ul>
      </div>
      ${blame.lines === null
        ? html`<p class="fab-file-body">${t('blame.notShown')}</p>`
        : blame.lines.length === 0
          ? html`<p class="fab-file-body">${t('blame.empty')}</p>`
          : html`<fab-code-view
              .lines=${blame.lines}
              .name=${blame.name}
              .permalink=${links.blame('commit', blame.ref.commit, blame.path)}
              .blame=${{ ranges: blame.ranges, commits: blame.commits, commitUrl: (sha: string) => links.commit(sha) }}
            ></fab-code-view>`}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-blame-page': FabBlamePage;
  }
}
