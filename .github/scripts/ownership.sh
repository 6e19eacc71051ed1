#!/usr/bin/env bash
# ownership.yml: the verdict of the base branch's shopdir pr-check. Annotations go to the log, the
# verdict to the step's outputs (verdict=...) and the Markdown to the job summary.
# The job fails only for "blocked"; "new-shop" and "curator" pass with a notice: a curator reviews.
# In: BASE_SHA, HEAD_SHA, AUTHOR.
set -uo pipefail
shopdir pr-check --base "$BASE_SHA" --head "$HEAD_SHA" --author "$AUTHOR" --format github
status=$?
case "$status" in
  0) verdict=merchant ;;
  3) verdict=new-shop ;;
  4) verdict=curator ;;
  5) verdict=blocked ;;
  *) echo "::error title=shopdir pr-check::could not decide (exit $status)"; exit "$status" ;;
esac
echo "verdict=$verdict" >> "${GITHUB_OUTPUT:-/dev/null}"
shopdir pr-check --base "$BASE_SHA" --head "$HEAD_SHA" --author "$AUTHOR" --format markdown \
  >> "${GITHUB_STEP_SUMMARY:-/dev/null}" || true
if [ "$verdict" = blocked ]; then
  exit 1
fi
exit 0
