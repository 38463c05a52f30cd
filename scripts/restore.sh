#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into a PostgreSQL database.
#
#   RESTORE_DATABASE_URL=postgresql://user:pass@host:5432/trading_bot scripts/restore.sh --yes backups/trading-bot-....dump
#
# The target is RESTORE_DATABASE_URL, or DATABASE_URL when that is unset. The database must exist (an
# empty one is best: `createdb`); objects in the dump that already exist there are dropped first
# (--clean --if-exists), so the target ends up exactly as the dump. The restore runs in one transaction:
# on any error nothing changes. Stop the app (all roles) before restoring over a live database, and
# start it again afterwards; migrations newer than the dump then run on start.
# Because it overwrites data, it refuses to run without --yes (or RESTORE_CONFIRM=yes).
set -euo pipefail

confirm="${RESTORE_CONFIRM:-}"
file=""
for arg in "$@"; do
  case "$arg" in
    --yes) confirm=yes ;;
    -h | --help)
      sed -n '2,12p' "$0"
      exit 0
      ;;
    *) file="$arg" ;;
  esac
done

target="${RESTORE_DATABASE_URL:-${DATABASE_URL:-}}"
if [[ -z "$file" ]]; then
  echo "restore: name the dump file to restore" >&2
  exit 2
fi
if [[ ! -r "$file" ]]; then
  echo "restore: cannot read $file" >&2
  exit 2
fi
if [[ -z "$target" ]]; then
  echo "restore: set RESTORE_DATABASE_URL (or DATABASE_URL) to the target database" >&2
  exit 2
fi
if [[ "$confirm" != "yes" ]]; then
  echo "restore: this replaces the contents of the target database; re-run with --yes" >&2
  exit 3
fi
if ! pg_restore --list "$file" >/dev/null; then
  echo "restore: $file is not a pg_dump custom-format archive" >&2
  exit 2
fi

pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error --dbname="$target" "$file"
echo "restore: restored $(basename "$file")"
