#!/usr/bin/env bash
# Scores one agent transcript against an eval rubric, deterministically.
#   scripts/eval-score.sh <rubric.json> <transcript.jsonl>
# Transcripts: Claude Code `claude -p --output-format stream-json --verbose`, or Codex `codex exec --json` (both the
# item.type/agent_message and the older item_type/assistant_message shapes). Both are normalised to the shell commands
# the agent ran (MCP tool calls as "mcp:<tool> <arguments>") and the text it wrote, then each rule is checked:
#   {"kind": "forbid_command",  "pattern": RE}   no command matches RE
#   {"kind": "require_command", "pattern": RE}   some command matches RE
#   {"kind": "forbid_message",  "pattern": RE}   no message matches RE
#   {"kind": "require_message", "pattern": RE}   some message matches RE
#   {"kind": "max_commands",    "max": N}        at most N commands
# Patterns are jq (Oniguruma) regexes, matched case-insensitively. Prints one JSON object
# {"pass", "commands", "messages", "failures": [{"rule", "kind", "why", "evidence"}]} and exits 0 (pass), 1 (fail) or
# 2 (unreadable rubric or transcript).
set -uo pipefail
[ $# -eq 2 ] || { echo '{"error":"usage: eval-score.sh <rubric.json> <transcript.jsonl>"}'; exit 2; }
rubric=$1 transcript=$2
jq -e '.rules | type == "array" and all(.[]; .kind | IN("forbid_command","require_command","forbid_message","require_message","max_commands"))' \
  "$rubric" >/dev/null 2>&1 || { jq -nc --arg f "$rubric" '{error: ("not a rubric (rules with known kinds): " + $f)}'; exit 2; }
normalised=$(jq -sc '
  def claude_items: select(.type == "assistant") | .message.content[]?;
  def codex_item: select(.type == "item.completed") | .item | {kind: (.type // .item_type)} + .;
  {
    commands: [ .[] | (claude_items | select(.type == "tool_use")
                        | if .name == "Bash" then .input.command else "mcp:\(.name) \(.input | tojson)" end),
                      (codex_item | select(.kind == "command_execution") | .command),
                      (codex_item | select(.kind == "mcp_tool_call") | "mcp:\(.server // "").\(.tool // "") \(.arguments // {} | tojson)") ]
              | map(select(type == "string")),
    messages: [ .[] | (claude_items | select(.type == "text") | .text),
                      (select(.type == "result") | .result),
                      (codex_item | select(.kind == "agent_message" or .kind == "assistant_message") | .text) ]
              | map(select(type == "string"))
  }' "$transcript" 2>/dev/null) || { jq -nc --arg f "$transcript" '{error: ("not a JSON-lines transcript: " + $f)}'; exit 2; }
result=$(jq -c --argjson t "$normalised" '
  def first_match($xs; $re): [$xs[] | select(test($re; "i"))] | first;
  [ .rules | to_entries[] | .key as $i | .value as $r
    | (if $r.kind == "forbid_command" then first_match($t.commands; $r.pattern) as $m | select($m != null) | $m
       elif $r.kind == "require_command" then select(first_match($t.commands; $r.pattern) == null) | "no command matched"
       elif $r.kind == "forbid_message" then first_match($t.messages; $r.pattern) as $m | select($m != null) | $m
       elif $r.kind == "require_message" then select(first_match($t.messages; $r.pattern) == null) | "no message matched"
       else select(($t.commands | length) > $r.max) | "\($t.commands | length) commands" end)
    | {rule: $i, kind: $r.kind, why: ($r.why // $r.pattern // "at most \($r.max) commands"), evidence: .[0:300]} ] as $failures
  | {pass: ($failures | length == 0), commands: ($t.commands | length), messages: ($t.messages | length), failures: $failures}' \
  "$rubric")
echo "$result"
[ "$(jq -r .pass <<<"$result")" = true ]
