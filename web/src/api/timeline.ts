import { request } from './client.js';
import type { TimelineComment } from '../../../contract/timeline.js';

export type { TimelineComment } from '../../../contract/timeline.js';

/** `GET /repos/{owner}/{repo}/issues/{n}/timeline`: comments and events (pushes, reviews, merge...), oldest first. */
export function listTimeline(owner: string, repo: string, number: number, signal?: AbortSignal): Promise<TimelineComment[]> {
  return request<TimelineComment[]>(`/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/issues/${number}/timeline`, { signal });
}
