-- Gitea's allow_maintainer_edit: the author of a pull request from a fork lets the writers of the
-- base repository push to its head branch (that branch only, while the pull request is open).
ALTER TABLE pull_requests ADD COLUMN allow_maintainer_edit INTEGER NOT NULL DEFAULT 0 CHECK (allow_maintainer_edit IN (0, 1));
