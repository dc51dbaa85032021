#!/usr/bin/env bash
# The NuGet package's build/Onyx.targets, evaluated by Mono's xbuild as a .NET Framework
# project would import it: for each RID the package carries (chosen by OnyxNativeRid, and
# by RuntimeIdentifier), the files it copies beside the application are exactly that
# RID's runtimes/<rid>/native/ files, byte for byte; the building machine's own RID
# (linux-x64 here) is the default; a RID the package lacks stops the build naming it.
#
#   check-onyx-targets.sh <Onyx.<version>.nupkg>
set -euo pipefail
nupkg=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/pkg"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$nupkg" "$work/pkg"
cat > "$work/App.proj" <<'XML'
<Project xmlns="http://schemas.microsoft.com/developer/msbuild/2003" DefaultTargets="Build">
  <PropertyGroup>
    <TargetFrameworkIdentifier>.NETFramework</TargetFrameworkIdentifier>
  </PropertyGroup>
  <Import Project="pkg/build/Onyx.targets" />
  <Target Name="Build">
    <Message Text="onyx-rid=$(OnyxNativeRid)" Importance="high" />
    <Copy SourceFiles="@(None)" DestinationFolder="$(OutDir)" Condition="'%(None.CopyToOutputDirectory)' == 'PreserveNewest'" />
  </Target>
</Project>
XML
status=0
run() { # <label> <expected rid> <xbuild properties...>
  local label=$1 rid=$2; shift 2
  local out=$work/out-${label//[^A-Za-z0-9-]/_}/
  (cd "$work" && xbuild /nologo /v:minimal /p:OutDir="$out" "$@" App.proj) > "${out%/}.log" 2>&1 || true
  local chosen
  chosen=$(sed -n 's/.*onyx-rid=//p' "${out%/}.log" | head -1)
  local want got
  want=$(cd "$work/pkg/runtimes/$rid/native" && sha256sum * | sort)
  got=$( [ -d "$out" ] && cd "$out" && sha256sum * | sort || true)
  if [ "$chosen" = "$rid" ] && [ "$want" = "$got" ]; then
    echo "[packages] Onyx.targets $label: runtimes/$rid/native/ copied ($(cd "$out" && ls | tr '\n' ' '))"
  else
    echo "[packages] PROBLEM Onyx.targets $label: chose '$chosen', copied '$(ls "$out" 2>/dev/null | tr '\n' ' ')', expected runtimes/$rid/native/" >&2
    sed 's/^/  /' "${out%/}.log" | tail -5 >&2
    status=1
  fi
}
run default linux-x64
for rid in linux-x64 linux-arm64 win-x64; do run "OnyxNativeRid=$rid" "$rid" /p:OnyxNativeRid=$rid; done
run RuntimeIdentifier=win-x64 win-x64 /p:RuntimeIdentifier=win-x64
(cd "$work" && xbuild /nologo /v:minimal /p:OnyxNativeRid=osx-arm64 App.proj) > "$work/osx.log" 2>&1 && status=1
if grep -q "no native libraries for osx-arm64" "$work/osx.log"; then
  echo "[packages] Onyx.targets OnyxNativeRid=osx-arm64: refused, naming it"
else
  echo "[packages] PROBLEM Onyx.targets: osx-arm64 was not refused by name" >&2; status=1
fi
exit $status
