#!/usr/bin/env bash
# Fetch a pull request's commits as git data into refs/remotes/pr/head, without checking them out.
# In: PR_NUMBER; REMOTE (default origin).
set -euo pipefail
case "$PR_NUMBER" in
  ''|*[!0-9]*) echo "::error::not a pull request number: $PR_NUMBER"; exit 1 ;;
esac
git fetch --quiet --no-tags "${REMOTE:-origin}" "+refs/pull/${PR_NUMBER}/head:refs/remotes/pr/head"
