#!/usr/bin/env bash
# Back up the platform's PostgreSQL database with pg_dump (custom format: compressed, restorable table by
# table with pg_restore) and keep only the newest BACKUP_KEEP dumps.
#
#   DATABASE_URL=postgresql://user:pass@host:5432/trading_bot scripts/backup.sh [BACKUP_DIR]
#
# Environment:
#   DATABASE_URL  (required) the database to dump; postgres:// and postgresql:// both work
#   BACKUP_DIR    where dumps go (default ./backups; the first argument overrides it)
#   BACKUP_KEEP   how many dumps to keep, newest first (default 14)
#   BACKUP_NAME   file name prefix (default trading-bot)
#
# Files are named <prefix>-<UTC yyyymmddThhmmssZ>-<nn>.dump, so name order is age order. A dump is
# written to a hidden .partial file, checked with `pg_restore --list`, then renamed: a failed or
# interrupted run never leaves a file that looks like a good backup, and never triggers the pruning.
# pg_dump must be the same major version as the server or newer (the compose `backup` service uses the
# postgres:16 image). Prints the path of the new dump on success. The URL (which may hold a password)
# is never printed.
set -euo pipefail
umask 077

if [[ -z "${DATABASE_URL:-}" ]]; then
  echo "backup: DATABASE_URL is not set" >&2
  exit 2
fi
dir="${1:-${BACKUP_DIR:-./backups}}"
keep="${BACKUP_KEEP:-14}"
prefix="${BACKUP_NAME:-trading-bot}"
if ! [[ "$keep" =~ ^[1-9][0-9]*$ ]]; then
  echo "backup: BACKUP_KEEP must be a positive integer (got '$keep')" >&2
  exit 2
fi
if ! [[ "$prefix" =~ ^[A-Za-z0-9_.-]+$ ]]; then
  echo "backup: BACKUP_NAME may hold only letters, digits, _ . -" >&2
  exit 2
fi

mkdir -p "$dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
seq=0
while :; do
  file="$dir/$prefix-$stamp-$(printf '%02d' "$seq").dump"
  [[ -e "$file" ]] || break
  seq=$((seq + 1))
done
partial="$dir/.$(basename "$file").partial"
trap 'rm -f "$partial"' EXIT

# libpq reads the password from the URI; --no-owner/--no-privileges make the dump restorable by another role
if ! pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$partial"; then
  echo "backup: pg_dump failed; no backup written" >&2
  exit 1
fi
if ! pg_restore --list "$partial" >/dev/null; then
  echo "backup: the dump could not be read back; no backup written" >&2
  exit 1
fi
mv "$partial" "$file"
trap - EXIT

# retention: delete everything but the newest $keep dumps with this prefix
find "$dir" -maxdepth 1 -type f -name "$prefix-*.dump" | sort -r | tail -n +"$((keep + 1))" | while IFS= read -r old; do
  rm -f -- "$old"
done

echo "$file"
