#!/bin/sh
# Rebuild ../govuk-forms.css from forms.scss (needs Node.js): npm ci && npm run build.
# The compiled stylesheet is committed, so installing or testing engagekit needs no npm.
set -eu
cd "$(dirname "$0")"
npx sass --no-source-map --style=compressed --load-path=node_modules forms.scss ../govuk-forms.css
test -f ../GOVUK-FRONTEND-LICENSE.txt  # its licence, kept beside it (the npm package does not ship one)
echo "wrote ../govuk-forms.css ($(wc -c < ../govuk-forms.css) bytes) from govuk-frontend $(node -p "require('govuk-frontend/package.json').version")"
