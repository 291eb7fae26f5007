#!/usr/bin/env bash
# Rebuilds Vigil.slnx from every project under src/, tests/, bench/ and fuzz/ (handy after merging
# branches that each added projects).
set -euo pipefail
cd "$(dirname "$0")/.."
printf '<Solution>\n</Solution>\n' > Vigil.slnx
find src tests bench fuzz -name '*.csproj' -not -path '*/bin/*' -not -path '*/obj/*' -not -path '*/node_modules/*' | sort | xargs dotnet sln Vigil.slnx add >/dev/null
