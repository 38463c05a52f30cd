#!/usr/bin/env bash
# npm run migration:generate -- VerbNoun
# Writes migrations/<epoch ms>-VerbNoun.ts with the SQL that brings the database in DATABASE_URL (migrated to
# the latest checked-in migration first) in line with the entities. Review it, then commit it.
set -euo pipefail
name="${1:?usage: npm run migration:generate -- <VerbNoun>}"
cd "$(dirname "$0")/.."
npm run -s migration:run
npm run -s typeorm -- migration:generate "migrations/${name}" --pretty
