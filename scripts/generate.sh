#!/usr/bin/env bash
# Generates shell completions and man pages from the command definitions.
# usage: generate.sh TASKQ_BINARY COMPLETIONS_DIR MAN_DIR
set -euo pipefail
bin=$1 completions=$2 man=$3
mkdir -p "$completions" "$man"
"$bin" --generate-completion-script bash > "$completions/taskq.bash"
"$bin" --generate-completion-script zsh > "$completions/_taskq"
"$bin" --generate-completion-script fish > "$completions/taskq.fish"
swift package plugin --allow-writing-to-package-directory --allow-writing-to-directory "$man" generate-manual --multi-page \
  --date 2026-11-22 --authors "taskq developers" --configuration debug -o "$man" >/dev/null
# The plugin writes pages for every executable in the package; the example program (Package.swift's
# CustomTasksExample, Examples/custom-tasks) is not installed and has none.
rm -f "$man"/CustomTasksExample*.1
python3 "$(dirname "$0")/manpage-fixup.py" "$man"
