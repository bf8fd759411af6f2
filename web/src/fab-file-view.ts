import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LightDomElement } from './light-dom-element.js';
import { LocaleController, t } from './i18n/index.js';
import './i18n/areas/browse.js';
import { encodePath, rawUrl, type Blob } from './api/browse.js';
import { RepoLinks, fileSize, tCount } from './browse-links.js';
import './fab-code-view.js';
import { fileBoxStyles } from './file-box.js';
import './fab-markdown.js';
import './fab-relative-time.js';

/**
 * One file at a ref: its last commit, size, raw / download / history links, then its content:
 * highlighted lines, rendered Markdown (or its source with `?display=source`), an image, or a
 * message for binary and too large files.
 */
@customElement('fab-file-view')
export class FabFileView extends LightDomElement {
  static override styles = [
    fileBoxStyles,
    css`
    fab-file-view {
      display: block;
    }
    fab-file-view .fab-file-body img {
      max-width: 100%;
    }
    fab-file-view .fab-last-commit {
      margin: 0 0 0.75rem;
      color: var(--fab-muted);
    }
  `,
  ];

  @property() owner = '';
  @property() repo = '';
  @property({ attribute: false }) blob: Blob | null = null;
  /** `source` shows a Markdown file's text instead of its rendering. */
  @property() display: 'rendered' | 'source' = 'rendered';

  private _locale = new LocaleController(this);

  override render() {
    const blob = this.blob;
    if (!blob) return html``;
    const links = new RepoLinks(this.owner, this.repo);
    const raw = rawUrl(this.owner, this.repo, blob.ref.commit, blob.path);
    const page = links.src(blob.ref.kind, blob.ref.name, blob.path);
    const last = blob.last_commit;
    return html`
      ${last
        ? html`<p class="fab-last-commit">
            <a href=${links.commit(last.sha)}>${last.summary}</a> — ${last.author_name},
            <fab-relative-time .datetime=${last.date}></fab-relative-time>
          </p>`
        : ''}
      <div class="fab-file-bar">
        <p>
          ${blob.lines && !blob.binary ? html`${tCount('src.lines', blob.lines.length)} · ` : ''}${fileSize(blob.size)}
        </p>
        <ul class="fab-actions">
          ${blob.markdown !== null
            ? html`<li><a href=${page} aria-current=${this.display === 'rendered' ? 'page' : 'false'}>${t('src.rendered')}</a></li>
                <li><a href=${`${page}?display=source`} aria-current=${this.display === 'source' ? 'page' : 'false'}>${t('src.source')}</a></li>`
            : ''}
          <li><a href=${raw}>${t('src.raw')}</a></li>
          <li><a href=${raw} download=${blob.name}>${t('src.download')}</a></li>
          <li><a href=${links.commits(blob.ref.kind, blob.ref.name, blob.path)}>${t('src.history')}</a></li>
          ${blob.lines !== null && !blob.binary
            ? html`<li><a href=${links.blame(blob.ref.kind, blob.ref.name, blob.path)} aria-label=${t('src.blameLabel', { name: blob.name })}>${t('src.blame')}</a></li>`
            : ''}
          ${blob.ref.kind === 'branch' && !blob.binary && !blob.too_large
            ? html`<li><a href=${`${links.home}/_edit/${encodePath(blob.ref.name)}/${encodePath(blob.path)}`} aria-label=${t('src.editLabel', { name: blob.name })}>${t('src.edit')}</a></li>`
            : ''}
        </ul>
      </div>
      ${this._renderContent(blob, raw)}
    `;
  }

  private _renderContent(blob: Blob, raw: string) {
    if (blob.image) return html`<div class="fab-file-body"><img src=${raw} alt=${blob.name} /></div>`;
    if (blob.binary) return html`<p class="fab-file-body">${t('src.binary')}</p>`;
    if (blob.too_large || blob.lines === null) return html`<p class="fab-file-body">${t('src.tooLarge', { size: fileSize(blob.size) })}</p>`;
    if (blob.markdown !== null && this.display === 'rendered')
      return html`<fab-markdown class="fab-file-body" .html=${blob.markdown} .level=${1}></fab-markdown>`;
    if (blob.lines.length === 0) return html`<p class="fab-file-body">${t('src.empty')}</p>`;
    return html`<fab-code-view .lines=${blob.lines} .name=${blob.name} .permalink=${new RepoLinks(this.owner, this.repo).src('commit', blob.ref.commit, blob.path)}></fab-code-view>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fab-file-view': FabFileView;
  }
}
