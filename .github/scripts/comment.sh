#!/usr/bin/env bash
# comment.yml: post or update one sticky comment from the check workflow's artifact.
# The artifact came from a pull request's code: it is data, checked before use. The pull request number
# must be a number whose pull request's head is the commit the check ran on; review.md must be at
# most 64 KB and review.json a version 1 report. The verdict comes from this (default) branch's
# shopdir pr-check, on the pull request's commits fetched as git data.
# In: GH_TOKEN, REPOSITORY, RUN_HEAD_SHA, ARTIFACT_DIR.
set -euo pipefail
dir=${ARTIFACT_DIR:-artifact}
marker='<!-- shopdir-review -->'
fail() { echo "::error title=shopdir comment::$1"; exit 1; }

# Plain files only: a symbolic link would make the checks below read a file of this runner's instead.
for name in pr-number review.md review.json; do
  [ -f "$dir/$name" ] && [ ! -L "$dir/$name" ] || fail "the artifact is incomplete (no plain file $name)"
done
[ "$(wc -c < "$dir/pr-number")" -le 12 ] || fail "pr-number is too long"
pr=$(tr -d '\n' < "$dir/pr-number")
case "$pr" in ''|*[!0-9]*) fail "pr-number is not a number" ;; esac
[ "$(wc -c < "$dir/review.md")" -le 65536 ] || fail "review.md is larger than 64 KB"
[ "$(wc -c < "$dir/review.json")" -le 10485760 ] || fail "review.json is larger than 10 MB"
python3 - "$dir/review.json" <<'PY' || fail "review.json is not a version 1 review report"
import json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
assert isinstance(data, dict) and data.get("version") == 1 and data.get("tool") == "shopdir"
PY

read -r head base author < <(gh api "repos/$REPOSITORY/pulls/$pr" --jq '[.head.sha, .base.sha, .user.login] | join(" ")')
[ "$head" = "$RUN_HEAD_SHA" ] || fail "pull request #$pr is not the one the check ran on"

PR_NUMBER=$pr bash "$(dirname "$0")/fetch-pr.sh"
body=$(mktemp)
{
  echo "$marker"
  shopdir pr-check --base "$base" --head "$head" --author "$author" --format markdown || true
  echo
  cat "$dir/review.md"
} > "$body"

existing=$(gh api --paginate "repos/$REPOSITORY/issues/$pr/comments" \
  --jq ".[] | select(.user.login == \"github-actions[bot]\" and (.body | startswith(\"$marker\"))) | .id" | head -n 1)
if [ -n "$existing" ]; then
  gh api --method PATCH "repos/$REPOSITORY/issues/comments/$existing" -F "body=@$body" > /dev/null
  echo "updated comment $existing on #$pr"
else
  gh api --method POST "repos/$REPOSITORY/issues/$pr/comments" -F "body=@$body" > /dev/null
  echo "commented on #$pr"
fi
