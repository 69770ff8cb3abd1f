#!/usr/bin/env bash
# Prints the path of a Python >= 3.12 interpreter, or nothing.
# pyenv's shims answer `python3.12` with an error when 3.12 is not the global version,
# so each candidate is asked to run rather than merely looked up.
ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }
for c in python3.13 python3.12 python3; do
  if command -v "$c" >/dev/null 2>&1 && ok "$c"; then command -v "$c"; exit 0; fi
done
for c in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
  if [ -x "$c" ] && ok "$c"; then echo "$c"; exit 0; fi
done
exit 0
