#!/usr/bin/env bash
# Does every pin in requirements.txt have a wheel for these Pythons on manylinux x86_64 (what Streamlit
# Community Cloud runs)? Downloads each wheel once into a temporary folder (a few hundred MB per version);
# run by hand when a pin or a supported version changes, not in CI.
#   tools/check_wheels.sh [VERSION...]      default: 3.11 3.12 3.13
set -uo pipefail
cd "$(dirname "$0")/.."
versions=("$@")
[ ${#versions[@]} -eq 0 ] && versions=(3.11 3.12 3.13)
folder=$(mktemp -d)
trap 'rm -rf "$folder"' EXIT
status=0
for version in "${versions[@]}"; do
  # Pure-Python packages publish one py3 wheel; --platform takes both the manylinux tags and "any".
  if python -m pip download --quiet --only-binary=:all: --no-deps --python-version "$version" \
       --implementation cp --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 \
       --platform manylinux_2_28_x86_64 --platform any -r requirements.txt -d "$folder/$version" 2>"$folder/$version.err"; then
    echo "Python $version: every pin has a wheel ($(ls "$folder/$version" | wc -l) files)"
  else
    echo "Python $version: missing wheels:"; grep -iE "no matching distribution|could not find" "$folder/$version.err" | sed 's/^/  /'
    status=1
  fi
done
exit $status
