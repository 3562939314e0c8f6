#!/usr/bin/env bash
# Does every pin in requirements.txt install from a wheel on these Pythons, on manylinux x86_64 (what Streamlit
# Community Cloud runs)? Each pin is downloaded once per version into a temporary folder (a few hundred MB in all;
# pip's cache keeps later runs quick). A pin without a wheel is tried as a source distribution: it then builds
# at install time (fine for pure Python, a compiler and headers otherwise). Run by hand when a pin or a supported
# version changes, not in CI.
#   tools/check_wheels.sh [VERSION...]      default: 3.11 3.12 3.13
set -uo pipefail
cd "$(dirname "$0")/.."
versions=("$@")
[ ${#versions[@]} -eq 0 ] && versions=(3.11 3.12 3.13)
folder=$(mktemp -d)
trap 'rm -rf "$folder"' EXIT
mapfile -t pins < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' requirements.txt | grep -v '^$')
platforms=(--platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux_2_28_x86_64 --platform any)
status=0
for version in "${versions[@]}"; do
  missing=() sdist=()
  for pin in "${pins[@]}"; do
    if ! python -m pip download --quiet --no-deps --only-binary=:all: --python-version "$version" --implementation cp \
         "${platforms[@]}" -d "$folder/$version" "$pin" >/dev/null 2>&1; then
      if python -m pip download --quiet --no-deps --no-binary=:all: -d "$folder/sdist" "$pin" >/dev/null 2>&1; then
        sdist+=("$pin")
      else
        missing+=("$pin")
      fi
    fi
  done
  echo "Python $version: ${#pins[@]} pins, $(( ${#pins[@]} - ${#missing[@]} - ${#sdist[@]} )) with a wheel" \
       "${sdist[*]:+; source only (built at install): ${sdist[*]}}${missing[*]:+; NOT INSTALLABLE: ${missing[*]}}"
  [ ${#missing[@]} -eq 0 ] || status=1
done
exit $status
