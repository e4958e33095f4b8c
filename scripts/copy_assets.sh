#!/usr/bin/env bash
# Copies the pinned front-end libraries from node_modules into the package's static folder.
set -euo pipefail
dest=src/rapport/web/static/vendor
mkdir -p "$dest"
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$dest/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$dest/"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/"
cp node_modules/vega/build/vega.min.js "$dest/"
cp node_modules/vega-lite/build/vega-lite.min.js "$dest/"
cp node_modules/vega-embed/build/vega-embed.min.js "$dest/"
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js "$dest/"
cp node_modules/swagger-ui-dist/swagger-ui.css "$dest/"
