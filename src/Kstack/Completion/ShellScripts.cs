using System.Text;
using System.Text.RegularExpressions;

namespace Kstack.Completion;

/// <summary>
/// The bash, zsh and fish completion scripts, written from the <see cref="CompletionModel"/>. Only the leading words
/// select a command (as kstack parses them); a skill that takes a target also offers the pod and node names of the
/// context's cached snapshot, asked from `kstack completion targets` while the script runs.
/// </summary>
internal static partial class ShellScripts
{
    public static readonly string[] Shells = ["bash", "zsh", "fish"];

    public static string For(string shell, CommandShape root, string version) => shell switch
    {
        "bash" => Bash(root, version),
        "zsh" => Zsh(root, version),
        "fish" => Fish(root, version),
        _ => throw new ArgumentOutOfRangeException(nameof(shell)),
    };

    /// <summary>Command names, flags and choices are plain words; anything else is left out rather than quoted.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:/=+-]*$|^-{1,2}[A-Za-z0-9][A-Za-z0-9-]*$")]
    private static partial Regex PlainWord();

    private static string Words(IEnumerable<string> words) => string.Join(' ', words.Where(w => PlainWord().IsMatch(w)));

    private static IEnumerable<CommandShape> Commands(CommandShape root) =>
        CompletionModel.All(root).Where(c => c.Path.Length == 0 || c.Path.Split(' ').All(w => PlainWord().IsMatch(w)));

    /// <summary>The helpers bash and zsh share: subcommands, flags, flag values and target-taking commands per path.</summary>
    private static void Tables(StringBuilder sb, CommandShape root)
    {
        sb.Append("_kstack_subcommands() {\n  case \"$1\" in\n");
        foreach (var c in Commands(root).Where(c => c.Subcommands.Count > 0))
            sb.Append($"    \"{c.Path}\") echo \"{Words(c.Subcommands.Select(s => s.Path.Split(' ')[^1]))}\" ;;\n");
        sb.Append("  esac\n}\n\n");

        sb.Append("_kstack_arguments() {\n  case \"$1\" in\n");
        foreach (var c in Commands(root).Where(c => c.Words.Count > 0))
            sb.Append($"    \"{c.Path}\") echo \"{Words(c.Words)}\" ;;\n");
        sb.Append("  esac\n}\n\n");

        sb.Append("_kstack_options() {\n  case \"$1\" in\n");
        foreach (var c in Commands(root).Where(c => c.Options.Count > 0))
            sb.Append($"    \"{c.Path}\") echo \"{Words(c.Options.SelectMany(o => o.Spellings))}\" ;;\n");
        sb.Append("  esac\n}\n\n");

        // Prints the values of a flag that takes one (nothing when any text goes); fails for a switch or no flag.
        sb.Append("_kstack_values() {\n  case \"$1|$2\" in\n");
        foreach (var c in Commands(root))
            foreach (var o in c.Options.Where(o => o.TakesValue))
            {
                var patterns = string.Join('|', o.Spellings.Where(s => PlainWord().IsMatch(s)).Select(s => $"\"{c.Path}|{s}\""));
                if (patterns.Length > 0) sb.Append($"    {patterns}) echo \"{Words(o.Choices)}\" ;;\n");
            }
        sb.Append("    *) return 1 ;;\n  esac\n}\n\n");

        var targets = Commands(root).Where(c => c.TakesTarget).Select(c => $"\"{c.Path}\"").ToList();
        sb.Append("_kstack_takes_target() {\n  case \"$1\" in\n");
        if (targets.Count > 0) sb.Append($"    {string.Join('|', targets)}) return 0 ;;\n");
        sb.Append("  esac\n  return 1\n}\n\n");
    }

    private static string Bash(CommandShape root, string version)
    {
        var sb = new StringBuilder();
        sb.Append($"# bash completion for kstack {version}, written by `kstack completion bash` from kstack's command definitions.\n");
        sb.Append("# Load it with: source <(kstack completion bash)   or save it as ~/.local/share/bash-completion/completions/kstack\n\n");
        Tables(sb, root);
        sb.Append("""
            _kstack() {
              local cur="${COMP_WORDS[COMP_CWORD]}" prev="" cmdpath="" depth=0 i w ctx="" ns="" values words
              (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"
              for (( i = 1; i < COMP_CWORD; i++ )); do
                w="${COMP_WORDS[i]}"
                # Only the leading words select a command; later words are the skill's own.
                if (( depth == i - 1 )) && [[ " $(_kstack_subcommands "$cmdpath") " == *" $w "* ]]; then
                  cmdpath="${cmdpath:+$cmdpath }$w"; depth=$i
                fi
                case "${COMP_WORDS[i-1]}" in --context) ctx="$w" ;; -n|--namespace) ns="$w" ;; esac
              done
              COMPREPLY=()
              if values="$(_kstack_values "$cmdpath" "$prev")"; then
                COMPREPLY=( $(compgen -W "$values" -- "$cur") )
                return 0
              fi
              if [[ $cur == -* ]]; then
                COMPREPLY=( $(compgen -W "$(_kstack_options "$cmdpath")" -- "$cur") )
                return 0
              fi
              words=""
              (( depth == COMP_CWORD - 1 )) && words="$(_kstack_subcommands "$cmdpath") $(_kstack_arguments "$cmdpath")"
              if _kstack_takes_target "$cmdpath"; then
                words="$words $("${COMP_WORDS[0]}" completion targets ${ctx:+--context "$ctx"} ${ns:+--namespace "$ns"} 2>/dev/null)"
              fi
              COMPREPLY=( $(compgen -W "$words" -- "$cur") )
            }
            complete -F _kstack kstack

            """);
        return sb.ToString();
    }

    private static string Zsh(CommandShape root, string version)
    {
        var sb = new StringBuilder();
        sb.Append("#compdef kstack\n");
        sb.Append($"# zsh completion for kstack {version}, written by `kstack completion zsh` from kstack's command definitions.\n");
        sb.Append("# Load it with: source <(kstack completion zsh)   (after compinit), or save it as _kstack in a directory on $fpath\n\n");
        Tables(sb, root);
        // `path` is zsh's PATH array, hence cmdpath; words and CURRENT are the completion system's, 1-based.
        sb.Append("""
            _kstack() {
              local cur="${words[CURRENT]}" prev="${words[CURRENT-1]}" cmdpath="" depth=1 i w ctx="" ns="" values candidates
              for (( i = 2; i < CURRENT; i++ )); do
                w="${words[i]}"
                if (( depth == i - 1 )) && [[ " $(_kstack_subcommands "$cmdpath") " == *" $w "* ]]; then
                  cmdpath="${cmdpath:+$cmdpath }$w"; depth=$i
                fi
                case "${words[i-1]}" in --context) ctx="$w" ;; -n|--namespace) ns="$w" ;; esac
              done
              if values="$(_kstack_values "$cmdpath" "$prev")"; then
                compadd -- ${=values}
                return 0
              fi
              if [[ $cur == -* ]]; then
                compadd -- ${=$(_kstack_options "$cmdpath")}
                return 0
              fi
              candidates=""
              (( depth == CURRENT - 1 )) && candidates="$(_kstack_subcommands "$cmdpath") $(_kstack_arguments "$cmdpath")"
              if _kstack_takes_target "$cmdpath"; then
                candidates="$candidates $("${words[1]}" completion targets ${ctx:+--context "$ctx"} ${ns:+--namespace "$ns"} 2>/dev/null)"
              fi
              compadd -- ${=candidates}
            }
            if (( $+functions[compdef] )); then compdef _kstack kstack; fi

            """);
        return sb.ToString();
    }

    private static string FishQuote(string text) => "'" + text.Replace("\\", "\\\\").Replace("'", "\\'") + "'";

    private static string Fish(CommandShape root, string version)
    {
        var sb = new StringBuilder();
        sb.Append($"# fish completion for kstack {version}, written by `kstack completion fish` from kstack's command definitions.\n");
        sb.Append("# Load it with: kstack completion fish | source   or save it as ~/.config/fish/completions/kstack.fish\n\n");
        var paths = Commands(root).Where(c => c.Path.Length > 0).Select(c => FishQuote(c.Path));
        sb.Append($"set -g __kstack_paths {string.Join(' ', paths)}\n\n");
        sb.Append("""
            # The command the leading words select ('' for kstack itself).
            function __kstack_path
                set -l tokens (commandline -opc)
                set -e tokens[1]
                set -l cmdpath
                for t in $tokens
                    if contains -- (string join ' ' $cmdpath $t) $__kstack_paths
                        set cmdpath $cmdpath $t
                    else
                        break
                    end
                end
                string join ' ' $cmdpath
            end

            function __kstack_at
                set -l p (__kstack_path)
                test "$p" = "$argv[1]"
            end

            # Names from the context's cached snapshot, for the skills that take a target.
            function __kstack_targets
                set -l tokens (commandline -opc)
                set -l args
                for i in (seq 2 (count $tokens))
                    switch $tokens[(math $i - 1)]
                        case --context
                            set args $args --context $tokens[$i]
                        case -n --namespace
                            set args $args --namespace $tokens[$i]
                    end
                end
                $tokens[1] completion targets $args 2>/dev/null
            end

            complete -c kstack -f

            """);
        foreach (var c in Commands(root))
        {
            var at = $"-n {FishQuote($"__kstack_at {FishQuote(c.Path)}")}";
            foreach (var sub in c.Subcommands)
                sb.Append($"complete -c kstack {at} -a {FishQuote(sub.Path.Split(' ')[^1])} -d {FishQuote(sub.Description)}\n");
            if (c.Words.Count > 0) sb.Append($"complete -c kstack {at} -a {FishQuote(Words(c.Words))}\n");
            foreach (var o in c.Options)
            {
                var spell = new StringBuilder();
                foreach (var s in o.Spellings.Where(s => PlainWord().IsMatch(s)))
                    spell.Append(s.StartsWith("--", StringComparison.Ordinal) ? $" -l {s[2..]}" : s.Length == 2 ? $" -s {s[1]}" : $" -o {s[1..]}");
                if (spell.Length == 0) continue;
                var value = !o.TakesValue ? "" : o.Choices.Count > 0 ? $" -x -a {FishQuote(Words(o.Choices))}" : " -x";
                sb.Append($"complete -c kstack {at}{spell}{value} -d {FishQuote(o.Description)}\n");
            }
            if (c.TakesTarget) sb.Append($"complete -c kstack {at} -a '(__kstack_targets)'\n");
        }
        return sb.ToString();
    }
}
