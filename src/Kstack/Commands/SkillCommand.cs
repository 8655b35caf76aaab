using System.CommandLine;
using System.CommandLine.Parsing;
using Kstack.Cache;
using Kstack.Cli;
using Kstack.Envelope;
using Kstack.Kube;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Commands;

/// <summary>
/// Base of every skill verb. Owns the envelope discipline: global flags, --help, context resolution and pinning,
/// the drift notice, and turning every expected failure into a typed error envelope.
/// </summary>
internal abstract class SkillCommand
{
    /// <summary>The skill's one definition: flags, help, catalogue entry.</summary>
    public abstract SkillDescriptor Descriptor { get; }

    public string Name => Descriptor.Name;

    /// <summary>False when this invocation works without any context (e.g. forget --all).</summary>
    protected virtual bool NeedsContext(ParseResult parsed) => true;

    protected abstract Task<Env> RunAsync(SkillRun run, CancellationToken ct);

    /// <param name="invocation">What the user types to run this slot in their agent; default `/slot`.</param>
    public async Task<Env> InvokeAsync(string slot, IReadOnlyList<string> args, CancellationToken ct, string? invocation = null)
    {
        invocation ??= "/" + slot;
        if (args.Any(a => a is "--help" or "-h")) return Env.Verbatim(HelpText.For(Descriptor, slot, invocation));

        string? context = null;
        try
        {
            var command = GlobalFlags.BuildCommand(Descriptor);
            var parsed = command.Parse(args, KstackApp.Parser);
            GlobalFlags.ThrowOnParseErrors(parsed, invocation);

            var root = InstallRoot.Resolve();
            WritableRoot.Ensure(root.DataDir);
            var (ctx, fromCurrent, kubeconfig) = ResolveContext(GlobalFlags.Context.Read(parsed), NeedsContext(parsed));
            context = ctx;
            var notice = ctx.Length == 0 ? null : new ContextDriftGuard(new StateStore(root), TimeProvider.System).Check(ctx, fromCurrent, CurrentContextOf(kubeconfig));
            var identity = ctx.Length == 0 || !TryLoad(kubeconfig) ? null : ClusterIdentity.Of(kubeconfig.Value, ctx);
            if (identity is not null && await identity.BindAsync(root, ctx, ct) is { } changed)
                notice = notice is null ? changed : notice + "\n" + changed;

            var refresh = Descriptor.Cached && GlobalFlags.Refresh.Read(parsed);
            var ttlFlag = GlobalFlags.Ttl(Descriptor.DefaultTtl ?? "0s");
            var ttlText = (Descriptor.Cached ? ttlFlag.Read(parsed) : null) ?? ttlFlag.Default!;
            var ttl = ttlFlag.Parse(ttlText);
            using var run = new SkillRun(slot, root, ctx, kubeconfig, parsed, identity)
            {
                Invocation = invocation,
                RequestTimeout = RequestTimeoutOf(parsed),
                Namespace = NonEmpty(GlobalFlags.Namespace.Read(parsed), "--namespace"),
                Json = GlobalFlags.Json.Read(parsed),
                Refresh = refresh,
                Ttl = refresh ? TimeSpan.Zero : ttl,
                TtlText = ttlText,
                FreeText = GlobalFlags.FreeText(parsed),
            };
            Env envelope;
            using (ctx.Length == 0 ? null : Terminal.StderrProgress.Start($"{slot}: reading context {ctx}"))
                envelope = await RunAsync(run, ct);
            // --json content has a stated bound: no string in it is longer than JsonContent.MaxString.
            if (run.Json && envelope.Ok) envelope = envelope.WithContent(JsonContent.Cap(envelope.Content));
            return envelope with { KubeContext = ctx, Notice = Update.UpdateNotice.Join(notice, await Update.UpdateNotice.ForSkillAsync(root, ct)) };
        }
        catch (KstackException e)
        {
            return e.ToEnvelope() with { KubeContext = context };
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException && Directory.Exists(InstallRootText()))
        {
            // A cache or state file removed between being written and being read (a concurrent `kstack forget`).
            return Env.InfraError($"A file kstack was using disappeared while it ran ({Kubeconfig.FirstLine(e.Message)}); "
                                  + "a concurrent `kstack forget` removes cache files. Run the command again.") with { KubeContext = context };
        }
        catch (Exception e) when (WritableRoot.IsWriteDenied(e))
        {
            // A write refused part-way (the sandbox, or the directory's permissions changed): the same typed answer.
            return Env.InfraError(WritableRoot.Message(InstallRoot.Resolve().DataDir, WritableRoot.Reason(e))) with { KubeContext = context };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The install root or cache is unusable (a file where a directory belongs, a read-only or pseudo file system).
            return Env.InfraError($"kstack cannot write its cache and state under {TerminalText.Clean(InstallRootText())}: {TerminalText.Clean(Kubeconfig.FirstLine(e.Message))}"
                                  + " Set KSTACK_ROOT to a writable directory.") with { KubeContext = context };
        }
    }

    private static string InstallRootText()
    {
        try { return InstallRoot.Resolve().Path; }
        catch (KstackException) { return "the install root"; }
    }

    /// <summary>The --timeout of skills that take one (per API request), else the default.</summary>
    private TimeSpan RequestTimeoutOf(ParseResult parsed) =>
        Skills.Shared.RequestTimeout.Parse(Descriptor.Flags.Contains(Skills.Shared.RequestTimeout.Flag) ? Skills.Shared.RequestTimeout.Flag.Read(parsed) : null);

    private (string Context, bool FromCurrent, Lazy<Kubeconfig> Kubeconfig) ResolveContext(string? flag, bool needed)
    {
        var kubeconfig = new Lazy<Kubeconfig>(Kubeconfig.Load);
        string? ctx = null;
        var fromCurrent = false;
        if (flag is not null)
        {
            if (flag.Length == 0) throw KstackException.User("Flag --context has an empty value.");
            ctx = flag;
        }
        else if (Environment.GetEnvironmentVariable("KSTACK_KUBE_CONTEXT") is { Length: > 0 } env)
        {
            ctx = env;
        }
        else if (!needed)
        {
            return ("", false, kubeconfig);
        }
        else
        {
            ctx = kubeconfig.Value.CurrentContext
                  ?? throw KstackException.User(kubeconfig.Value.MissingFilesSentence() is { Length: > 0 } missing
                      ? $"Unable to determine kube context:{missing} Point KUBECONFIG at your kubeconfig, set a context with kubectl, or pass --context=<name>."
                      : "Unable to determine kube context. Set one with kubectl or pass --context=<name>.");
            fromCurrent = true;
        }
        if (Descriptor.RequiresKubeconfigContext && needed && !kubeconfig.Value.HasContext(ctx))
            throw KstackException.User(kubeconfig.Value.UnknownContextMessage(ctx));
        return (ctx, fromCurrent, kubeconfig);
    }

    private static bool TryLoad(Lazy<Kubeconfig> kubeconfig)
    {
        try { return kubeconfig.Value is not null; }
        catch (KstackException) { return false; }
    }

    private static string? CurrentContextOf(Lazy<Kubeconfig> kubeconfig) => TryLoad(kubeconfig) ? kubeconfig.Value.CurrentContext : null;

    private static string? NonEmpty(string? value, string flag) =>
        value is { Length: 0 } ? throw KstackException.User($"Flag {flag} has an empty value.") : value;
}

/// <summary>Everything a skill needs for one invocation, including the API client, built on first use.</summary>
internal sealed class SkillRun(string slot, InstallRoot root, string context, Lazy<Kubeconfig> kubeconfig, ParseResult parsed,
    ClusterIdentity? identity = null) : IDisposable
{
    private KubeApi? _api;
    private readonly Lock _apiLock = new();

    /// <summary>Per-request API timeout (--timeout), applied by <see cref="Api"/> to every request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The run's one API client; cache hits never build it, so they skip TLS and credential set-up.</summary>
    public KubeApi Api
    {
        get
        {
            lock (_apiLock) return _api ??= new KubeApi(Kubeconfig, Context, RequestTimeout);
        }
    }

    public Lazy<KubeApi> LazyApi => new(() => Api);

    public void Dispose() => _api?.Dispose();

    public string Slot { get; } = slot;

    /// <summary>What the user types to run this skill in their agent (`/kstack-exec`, Codex `$kstack-exec`, Pi `/skill:kstack-exec`).</summary>
    public string Invocation { get; init; } = "/" + slot;
    public InstallRoot Root { get; } = root;
    public string Context { get; } = context;
    public Kubeconfig Kubeconfig => kubeconfig.Value;
    public ParseResult Parsed { get; } = parsed;
    public string? Namespace { get; init; }
    public bool Json { get; init; }
    public bool Refresh { get; init; }
    public TimeSpan Ttl { get; init; }
    public string TtlText { get; init; } = "0s";
    public IReadOnlyList<string> FreeText { get; init; } = [];

    /// <summary>The cluster identity behind the context (null when the kubeconfig does not define the context).</summary>
    public ClusterIdentity? Identity { get; } = identity;

    /// <summary>Everything kstack keeps for the context, whichever cluster it reached (what forget removes).</summary>
    public string ContextCacheDir => Root.CacheDirFor(Context);
    public string ContextStateDir => Root.StateDirFor(Context);

    /// <summary>Snapshots and learned state of the cluster identity this run reaches.</summary>
    public string CacheDir => Identity is null ? ContextCacheDir : Path.Combine(ContextCacheDir, Identity.Key);
    public string StateDir => Identity is null ? ContextStateDir : Path.Combine(ContextStateDir, Identity.Key);

    public bool Get(SwitchFlag flag) => flag.Read(Parsed);
    public string? Get(TextFlag flag) => flag.Read(Parsed);
    public string? Get(ChoiceFlag flag) => flag.Read(Parsed);
    public string? Get(DurationFlag flag) => flag.Read(Parsed);
    public int? Get(IntegerFlag flag) => flag.Read(Parsed);
    public IReadOnlyList<string> Get(ListFlag flag) => flag.Read(Parsed);
}
