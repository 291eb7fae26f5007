#!/usr/bin/env bash
# Adds an EF Core migration named $1 for both database providers (SQLite and PostgreSQL).
# Usage: scripts/add-migration.sh AddThings
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 MigrationName" >&2; exit 2; }
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
for provider in Sqlite Postgres; do
  dotnet ef migrations add "$1" --project src/Vigil.Server --context "${provider}VigilDbContext" \
    --output-dir "Storage/Migrations/$provider" --namespace "Vigil.Server.Storage.Migrations.$provider"
  # dotnet-ef writes the model snapshot under a folder derived from --namespace; keep it beside the migrations.
  snap="src/Vigil.Server/Vigil/Server/Storage/Migrations/$provider/${provider}VigilDbContextModelSnapshot.cs"
  [ -f "$snap" ] && mv "$snap" "src/Vigil.Server/Storage/Migrations/$provider/"
done
rm -rf src/Vigil.Server/Vigil
dotnet format src/Vigil.Server --include src/Vigil.Server/Storage/Migrations >/dev/null || true
