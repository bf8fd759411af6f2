/**
 * Whether the server has a page at `url` for this visitor: it answers 404 for an unknown path and
 * for an owner, repository, file or commit that does not exist or that the visitor may not see.
 * The first page load reads the status the document came with; later navigations ask with HEAD.
 */
export async function pageExists(url: URL, first: boolean, signal?: AbortSignal): Promise<boolean> {
  if (first) {
    const [entry] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
    // responseStatus is 0 where the browser does not report it (older Safari): ask then.
    if (entry && entry.responseStatus > 0) return entry.responseStatus !== 404;
  }
  const response = await fetch(url.pathname + url.search, { method: 'HEAD', headers: { accept: 'text/html' }, credentials: 'same-origin', signal });
  return response.status !== 404;
}
