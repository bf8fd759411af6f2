-- A milestone's progress (open and closed issues) is counted from its issue_milestones rows on
-- every issue page that shows it: with (repo_id, number) in the index those counts never read the
-- table itself (bench/issues.ts, 5,000 issues). It replaces the index on milestone_id alone, its prefix.
DROP INDEX issue_milestones_milestone;
CREATE INDEX issue_milestones_milestone ON issue_milestones (milestone_id, repo_id, number);
