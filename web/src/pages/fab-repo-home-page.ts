import { css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { LightDomElement } from '../light-dom-element.js';
import { LocaleController, t } from '../i18n/index.js';
import '../i18n/areas/browse.js';
import '../i18n/areas/releases.js';
import { ApiError } from '../api/client.js';
import { encodePath, getReadme, getTree, type Readme, type Tree } from '../api/browse.js';
import { getRepositoryWithParent } from '../api/forks.js';
import { latestRelease, releaseUrl, type Release } from '../api/releases.js';
import type { Repository } from '../api/browse.js';
import { RepoLinks } from '../browse-links.js';
import { formStyles } from '../forms.js';
import { renderTask } from '../task-status.js';
import '../fab-repo-header.js';
import '../fab-ref-switcher.js';
import '../fab-clone-box.js';
import '../fab-file-tree.js';
import '../fab-markdown.js';
import '../fab-code-view.js';
import '../fab-software-sheet.js';
import '../fab-fork-button.js';
import '../fab-sync-fork.js';
import '../fab-mirror-status.js';

const LICENCE_FILE = /^(licen[cs]e|copying|unlicense)(\.(md|txt|rst))?$/i;

interface Home {
  repository: Repository;
  tree: Tree | null;
  readme: Readme | null;
  latest: Release | null;
}

/** `/{owner}/{repo}`: description, branch switcher, the root's files and the README; cloning is the header's "Code" button. */
@customElement('fab-repo-home-page')
export class FabRepoHomePage extends LightDomElement {
  static override styles = [
    formStyles,
    css`
    fab-repo-home-page .fab-description {
      margin: 0 0 1rem;
      font-size: 1.125rem;
    }
    fab-repo-home-page .fab-columns {
      display: grid;
      grid-template-columns: minmax(0, 1fr) 20rem;
      gap: 1.5rem;
      align-items: start;
    }
    @media (max-width: 60rem) {
      fab-repo-home-page .fab-columns {
        grid-template-columns: minmax(0, 1fr);
      }
    }
    fab-repo-home-page fab-ref-switcher {
      display: block;
      margin-bottom: 1rem;
    }
    fab-repo-home-page aside h2,
    fab-repo-home-page .fab-empty h2 {
      font-size: 1.125rem;
      margin: 0 0 0.5rem;
    }
    fab-repo-home-page aside section {
      margin-bottom: 1.25rem;
    }
    fab-repo-home-page aside dl {
      margin: 0;
    }
    fab-repo-home-page aside dt {
      font-weight: 600;
    }
    fab-repo-home-page aside dd {
      margin: 0 0 0.5rem;
    }
    fab-repo-home-page aside ul {
      margin: 0;
      padding-left: 1.25rem;
    }
    fab-repo-home-page .fab-readme {
      margin-top: 1.5rem;
      padding: 1rem 1.25rem;
      border: 1px solid var(--fab-border);
      border-radius: var(--fab-radius);
    }
    fab-repo-home-page .fab-readme > h2 {
      margin: 0 0 1rem;
      font-size: 1rem;
    }
    fab-repo-home-page pre.fab-commands {
      padding: 0.75rem;
      overflow-x: auto;
      background: var(--fab-surface);
      border-radius: var(--fab-radius);
    }
    fab-repo-home-page .fab-contribute-actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem 1.5rem;
      align-items: center;
    }
  `,
  ];

  @property() owner = '';
  @property() repo = '';

  private _locale = new LocaleController(this);

  private _home = new Task(this, {
    task: async ([owner, repo], { signal }): Promise<Home> => {
      const repository = await getRepositoryWithParent(owner, repo, signal);
      if (repository.empty) return { repository, tree: null, readme: null, latest: null };
      const branch = repository.default_branch;
      const [tree, readme, latest] = await Promise.all([
        getTree(owner, repo, branch, '', signal),
        getReadme(owner, repo, branch, signal).catch((error: unknown) => {
          if (error instanceof ApiError && error.status === 404) return null;
          throw error;
        }),
        latestRelease(owner, repo, signal),
      ]);
      return { repository, tree, readme, latest };
    },
    args: () => [this.owner, this.repo] as const,
  });

  override render() {
    return html`
      <fab-repo-header
        .owner=${this.owner}
        .repo=${this.repo}
        tab="code"
        .ref=${this._home.value?.tree?.ref.name ?? ''}
      ></fab-repo-header>
      <h1>${this.owner}/${this.repo}</h1>
      ${renderTask(this._home, (home) => this._renderHome(home))}
    `;
  }

  /** In a fork: contribute back, by comparing with the parent or opening a pull request to it (as Gitea's "Contribute"). */
  private _renderContribute(repository: Home['repository'], branch: string) {
    const parent = repository.parent as { full_name?: string; default_branch?: string } | null;
    if (!parent?.full_name || !parent.default_branch) return nothing;
    const head = `${this.owner}:${branch}`;
    return html`<section class="fab-contribute" aria-labelledby="fab-contribute-heading">
      <h2 id="fab-contribute-heading">${t('repo.contribute')}</h2>
      <p>${t('repo.contributeHint', { parent: parent.full_name })}</p>
      <p class="fab-contribute-actions">
        <a class="fab-button" href=${`/${parent.full_name}/pulls/new?${new URLSearchParams({ base: parent.default_branch, head })}`}>${t('repo.contributeOpen', { parent: parent.full_name })}</a>
        <a href=${`/${parent.full_name}/compare/${encodePath(parent.default_branch)}...${encodeURIComponent(this.owner)}:${encodePath(branch)}`}>${t('repo.contributeCompare', { parent: parent.full_name })}</a>
      </p>
    </section>`;
  }

  private _renderHome({ repository, tree, readme, latest }: Home) {
    const links = new RepoLinks(this.owner, this.repo);
    const branch = repository.default_branch;
    const description = html`${repository.description ? html`<p class="fab-description">${repository.description}</p>` : ''}<fab-fork-button
        .repository=${repository}
      ></fab-fork-button>`;
    const source = html`<fab-mirror-status .owner=${this.owner} .repo=${this.repo}></fab-mirror-status>`;
    if (!tree) return html`${description}${source}${this._renderEmpty(branch)}`;
    const sync = html`<fab-sync-fork .repository=${repository} .branch=${branch}></fab-sync-fork>${this._renderContribute(repository, branch)}`;
    // Gitea >= 1.22 names detected licences; otherwise the licence file at the root is shown.
    const licenceFile = tree.entries.find((entry) => entry.type === 'file' && LICENCE_FILE.test(entry.name));
    const licence = repository.licenses?.length
      ? repository.licenses.join(', ')
      : licenceFile
        ? html`<a href=${links.src('branch', branch, licenceFile.path)}>${licenceFile.name}</a>`
        : t('repo.noLicence');
    return html`
      ${description}${sync}${source}
      <fab-software-sheet .owner=${this.owner} .repo=${this.repo}></fab-software-sheet>
      <div class="fab-columns">
        <div>
          <fab-ref-switcher .owner=${this.owner} .repo=${this.repo} kind="branch" .ref=${branch}></fab-ref-switcher>
          <fab-file-tree .owner=${this.owner} .repo=${this.repo} .tree=${tree}></fab-file-tree>
          ${readme ? this._renderReadme(readme) : ''}
        </div>
        <aside aria-label=${t('repo.about')}>
          <section>
            <h2>${t('repo.about')}</h2>
            <dl>
              <dt>${t('repo.defaultBranch')}</dt>
              <dd><a href=${links.src('branch', branch)}>${branch}</a></dd>
              <dt>${t('repo.licence')}</dt>
              <dd>${licence}</dd>
              ${repository.website
                ? html`<dt>${t('repo.website')}</dt>
                    <dd><a href=${repository.website} rel="external nofollow noopener">${repository.website}</a></dd>`
                : ''}
            </dl>
          </section>
          ${latest
            ? html`<section class="fab-latest-release">
                <h2>${t('releases.latest')}</h2>
                <p><a href=${releaseUrl(this.owner, this.repo, latest.tag_name)}>${latest.name}</a> (${latest.tag_name})</p>
                <p><a href=${`${links.home}/releases`}>${t('releases.all')}</a></p>
              </section>`
            : ''}
        </aside>
      </div>
    `;
  }

  private _renderReadme(readme: Readme) {
    return html`
      <section class="fab-readme" aria-labelledby="fab-readme-heading">
        <h2 id="fab-readme-heading">${t('repo.readme', { name: readme.name })}</h2>
        ${readme.markdown !== null
          ? html`<fab-markdown .html=${readme.markdown} .level=${2}></fab-markdown>`
          : html`<fab-code-view .lines=${readme.lines ?? []} .name=${readme.name}></fab-code-view>`}
      </section>
    `;
  }

  private _renderEmpty(branch: string) {
    const clone = `${location.origin}/${encodeURIComponent(this.owner)}/${encodeURIComponent(this.repo)}.git`;
    return html`
      <section class="fab-empty" aria-labelledby="fab-empty-heading">
        <h2 id="fab-empty-heading">${t('repo.emptyHeading')}</h2>
        <fab-clone-box .owner=${this.owner} .repo=${this.repo}></fab-clone-box>
        <p>${t('repo.emptyNew')}</p>
        <pre class="fab-commands"><code>git init
git add README.md
git commit -m "${t('repo.firstCommit')}"
git branch -M ${branch}
git remote add origin ${clone}
git push -u origin ${branch}</code></pre>
        <p>${t('repo.emptyExisting')}</p>
        <pre class="fab-commands"><code>git remote add origin ${clone}
git push -u origin ${branch}</code></pre>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-repo-home-page': FabRepoHomePage;
  }
}
