#!/usr/bin/env bash
# check.yml: review what merging the pull request changes on the site.
# Writes review/review.md, review/review.json and review/pr-number (the comment workflow's artifact),
# and the Markdown to the job summary. In: BASE_SHA, HEAD_SHA, PR_NUMBER.
set -euo pipefail
mkdir -p review
printf '%s\n' "$PR_NUMBER" > review/pr-number
status=0
shopdir review --base "$BASE_SHA" --head "$HEAD_SHA" --format markdown --out review/review.md \
  --json review/review.json || status=$?
if [ "$status" -ge 2 ]; then
  echo "::error title=shopdir review::the review could not compare the two revisions (exit $status)"
  exit "$status"
fi
cat review/review.md >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
# Exit 1 means the head has content problems: the check step already failed on them.
exit 0
