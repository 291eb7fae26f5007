#!/usr/bin/env bash
# Rebuilds Vigil.slnx from every project under src/, tests/ and bench/ (handy after merging
# branches that each added projects).
set -euo pipefail
cd "$(dirname "$0")/.."
printf '<Solution>\n</Solution>\n' > Vigil.slnx
find src tests bench -name '*.csproj' -not -path '*/bin/*' -not -path '*/obj/*' | sort | xargs dotnet sln Vigil.slnx add >/dev/null
