import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task, TaskStatus } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/browse.js';
import { ApiError } from '../api/client.js';
import { encodePath, getBlob, getRepository, getTree, splitRefPath, type Blob, type EntryType, type RefKind, type Tree } from '../api/browse.js';
import { RepoLinks } from '../browse-links.js';
import { renderTask } from '../task-status.js';
import { formStyles } from '../forms.js';
import '../fab-repo-header.js';
import '../fab-ref-switcher.js';
import '../fab-file-tree.js';
import '../fab-file-view.js';

/**
 * What each path is, from the folders already listed (`owner/repo@ref:path` → type): a link from a
 * listing then asks for a folder or a file directly. A deep link asks the parent folder first.
 */
const knownTypes = new Map<string, EntryType>();
const typeKey = (owner: string, repo: string, ref: string, path: string) => `${owner}/${repo}@${ref}:${path}`;

function remember(owner: string, repo: string, ref: string, tree: Tree) {
  for (const entry of tree.entries) knownTypes.set(typeKey(owner, repo, ref, entry.path), entry.type);
}

type Source = { kind: 'tree'; tree: Tree } | { kind: 'blob'; blob: Blob };

async function loadSource(owner: string, repo: string, kind: RefKind, ref: string, path: string, signal: AbortSignal): Promise<Source> {
  let type: EntryType | undefined = path === '' ? 'dir' : knownTypes.get(typeKey(owner, repo, ref, path));
  if (!type) {
    ({ ref, path } = await splitRefPath(owner, repo, kind, ref, path, signal));
    type = path === '' ? 'dir' : undefined;
  }
  if (!type) {
    const slash = path.lastIndexOf('/');
    const parent = await getTree(owner, repo, ref, slash < 0 ? '' : path.slice(0, slash), signal);
    remember(owner, repo, ref, parent);
    const name = path.slice(slash + 1);
    type = parent.entries.find((entry) => entry.name === name)?.type;
  }
  if (!type || type === 'submodule') throw new ApiError(404, 'not found');
  if (type === 'dir') {
    const tree = await getTree(owner, repo, ref, path, signal);
    remember(owner, repo, ref, tree);
    return { kind: 'tree', tree };
  }
  return { kind: 'blob', blob: await getBlob(owner, repo, ref, path, signal) };
}

/** `/{owner}/{repo}/src/{branch|tag|commit}/{ref}/{path}`: a folder's listing or a file. */
@customElement('fab-repo-tree-page')
export class FabRepoTreePage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
    fab-repo-tree-page .fab-breadcrumb ol {
      display: flex;
      flex-wrap: wrap;
      margin: 0 0 0.5rem;
      padding: 0;
      list-style: none;
    }
    fab-repo-tree-page .fab-breadcrumb li + li::before {
      content: '/';
      padding: 0 0.375rem;
      color: var(--fab-muted);
    }
    fab-repo-tree-page h1 {
      overflow-wrap: anywhere;
    }
    fab-repo-tree-page .fab-tree-actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      margin: 0 0 0.75rem;
    }
    fab-repo-tree-page fab-ref-switcher {
      display: block;
      margin-bottom: 1rem;
    }
  `,
  ];

  @property() owner = '';
  @property() repo = '';
  @property() kind: RefKind = 'branch';
  @property() ref = '';
  @property() path = '';
  @property() display: 'rendered' | 'source' = 'rendered';

  private _locale = new LocaleController(this);

  private _source = new Task(this, {
    task: ([owner, repo, kind, ref, path], { signal }) => {
      if (!['branch', 'tag', 'commit'].includes(kind)) throw new ApiError(404, 'not found');
      return loadSource(owner, repo, kind as RefKind, ref, path, signal);
    },
    args: () => [this.owner, this.repo, this.kind, this.ref, this.path] as const,
  });

  /** Whether the viewer may write: "New file" and "Upload files" are offered to writers only. */
  private _canPush = new Task(this, {
    task: async ([owner, repo], { signal }) => (await getRepository(owner, repo, signal)).permissions?.push ?? false,
    args: () => [this.owner, this.repo] as const,
  });

  override render() {
    const links = new RepoLinks(this.owner, this.repo);
    // A branch or tag name may hold slashes (`feature/x`): the server's split of the URL is the true one.
    const loaded = this._source.status === TaskStatus.COMPLETE ? this._source.value : undefined;
    const at = loaded ? (loaded.kind === 'tree' ? loaded.tree : loaded.blob) : null;
    const ref = at?.ref.name ?? this.ref;
    const path = at ? at.path : this.path;
    const parts = path.split('/').filter((part) => part !== '');
    const name = parts.at(-1) ?? this.repo;
    return html`
      <fab-repo-header .owner=${this.owner} .repo=${this.repo} tab="code" .kind=${this.kind} .ref=${ref}></fab-repo-header>
      <nav class="fab-breadcrumb" aria-label=${t('src.breadcrumb')}>
        <ol>
          <li><a href=${links.src(this.kind, ref)}>${this.repo}</a></li>
          ${parts.map((part, index) => {
            const last = index === parts.length - 1;
            return html`<li>
              <a href=${links.src(this.kind, ref, parts.slice(0, index + 1).join('/'))} aria-current=${last ? 'page' : 'false'}>${part}</a>
            </li>`;
          })}
        </ol>
      </nav>
      <h1>${name}</h1>
      <fab-ref-switcher .owner=${this.owner} .repo=${this.repo} .kind=${this.kind} .ref=${ref} .path=${path}></fab-ref-switcher>
      ${renderTask(this._source, (source) =>
        source.kind === 'tree'
          ? html`${this.kind === 'branch' && this._canPush.value
                ? html`<p class="fab-tree-actions">
                    <a class="fab-button fab-secondary" href=${`${links.home}/_new/${encodePath(source.tree.ref.name)}/${encodePath(source.tree.path)}`}>${t('tree.newFile')}</a>
                    <a class="fab-button fab-secondary" href=${`${links.home}/_upload/${encodePath(source.tree.ref.name)}/${encodePath(source.tree.path)}`}>${t('tree.upload')}</a>
                  </p>`
                : ''}<fab-file-tree .owner=${this.owner} .repo=${this.repo} .tree=${source.tree}></fab-file-tree>`
          : html`<fab-file-view .owner=${this.owner} .repo=${this.repo} .blob=${source.blob} .display=${this.display}></fab-file-view>`,
      )}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-repo-tree-page': FabRepoTreePage;
  }
}
