#!/usr/bin/env bash
# publish.yml: build the site for Pages (or any static host: output/ is plain files).
# The build date is the commit's, moved on to today when the daily run builds an older commit: the same
# commit on the same day always gives the same bytes, and each day's run turns the listings' rotation.
# In: BASE_URL (from configure-pages); PAGES_LIMIT_BYTES (default 1 GB, Pages' limit).
set -euo pipefail
commit_time=$(git log -1 --format=%ct)
today=$(( $(date -u +%s) / 86400 * 86400 ))
export SOURCE_DATE_EPOCH=$(( commit_time > today ? commit_time : today ))
echo "build date: $(date -u -d "@$SOURCE_DATE_EPOCH" +%F)"
shopdir build --base-url "$BASE_URL"
limit=${PAGES_LIMIT_BYTES:-1073741824}
size=$(du -sb output | cut -f1)
if [ "$size" -gt "$limit" ]; then
  echo "::error title=site too large::output/ is $size bytes; GitHub Pages publishes at most $limit. Publish to another static host, or make the site smaller (pictures, delisted shops)."
  exit 1
fi
echo "site: $size bytes"
