import { css } from 'lit';

/**
 * The box a file is shown in, by the file page and the blame page alike: a bar on top (what the
 * file is, `.fab-file-bar`, with its `.fab-actions` links), then the code view or a `.fab-file-body`
 * (an image, a rendered document, a message), with rounded corners around the whole.
 */
export const fileBoxStyles = css`
  .fab-file-bar {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    align-items: center;
    gap: 0.5rem 1rem;
    padding: 0.5rem 0.75rem;
    background: var(--fab-surface);
    border: 1px solid var(--fab-border);
    border-bottom: 0;
    border-radius: var(--fab-radius) var(--fab-radius) 0 0;
  }
  .fab-file-bar p {
    margin: 0;
  }
  .fab-file-bar .fab-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .fab-file-bar ~ fab-code-view,
  .fab-file-bar ~ .fab-file-body {
    border-radius: 0 0 var(--fab-radius) var(--fab-radius);
  }
  .fab-file-bar ~ .fab-file-body {
    margin: 0;
    padding: 1rem 1.25rem;
    border: 1px solid var(--fab-border);
  }
`;
