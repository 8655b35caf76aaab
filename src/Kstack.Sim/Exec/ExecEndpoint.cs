using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Kstack.Sim.Api;
using Kstack.Sim.Rbac;
using Kstack.Sim.Store;
using Microsoft.AspNetCore.Http;

namespace Kstack.Sim.Exec;

/// <summary>
/// pods/exec and pods/attach over WebSocket with the channel.k8s.io framing (v5, falling back to v4): each binary
/// message is [channel][bytes] with 0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize, and (v5) 255 close.
/// The process behind it is a <see cref="ScriptedShell"/>.
/// </summary>
internal sealed class ExecEndpoint(ObjectStore store, Authorizer authorizer)
{
    public static readonly string[] Protocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

    public async Task HandleAsync(HttpContext ctx, RequestInfo info, Identity id, Responder res, CancellationToken stopping)
    {
        var attrs = new RequestAttributes
        {
            User = id.User, Groups = id.Groups, Verb = "create", Resource = "pods", Subresource = info.Subresource, Name = info.Name, Namespace = info.Namespace,
        };
        if (!authorizer.Authorize(attrs))
        {
            await ApiHandler.WriteStatus(res, new StatusError(403, "Forbidden", Authorizer.ForbiddenMessage(attrs), info.Name, null, "pods"));
            return;
        }
        var podType = store.Registry.ByPlural("", "v1", "pods")!;
        var pod = store.Get(podType).Current.Find(info.Namespace, info.Name);
        if (pod == null) { await ApiHandler.WriteStatus(res, StatusError.NotFound("pods", "", info.Name)); return; }
        using var doc = JsonDocument.Parse(pod.Json);
        var root = doc.RootElement;
        var q = ctx.Request.Query;
        var containerName = q["container"].ToString();
        var container = FindContainer(root, ref containerName, out var error);
        if (container is null) { await ApiHandler.WriteStatus(res, StatusError.BadRequest(error!)); return; }
        var phase = root.TryGetProperty("status", out var st) && st.TryGetProperty("phase", out var ph) ? ph.GetString() : null;
        if (phase is "Succeeded" or "Failed")
        {
            await ApiHandler.WriteStatus(res, StatusError.BadRequest($"cannot exec into a container in a completed pod; current phase is {phase}"));
            return;
        }
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            await ApiHandler.WriteStatus(res, StatusError.BadRequest("kstack-sim serves exec and attach over WebSocket (v5.channel.k8s.io, v4.channel.k8s.io) only"));
            return;
        }
        var protocol = Protocols.FirstOrDefault(p => ctx.WebSockets.WebSocketRequestedProtocols.Contains(p));
        if (protocol is null)
        {
            await ApiHandler.WriteStatus(res, StatusError.BadRequest("unsupported WebSocket subprotocol: use v5.channel.k8s.io or v4.channel.k8s.io"));
            return;
        }
        var tty = q["tty"].ToString() is "true" or "1";
        var argv = info.Subresource == "attach" ? new List<string> { "sh" } : q["command"].Select(c => c ?? "").ToList();
        var shellContext = ContextFor(root, container.Value, info.Namespace);

        using var ws = await ctx.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = protocol });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
        var sendLock = new SemaphoreSlim(1, 1);
        async Task Send(byte channel, ReadOnlyMemory<byte> data)
        {
            var frame = new byte[data.Length + 1];
            frame[0] = channel;
            data.CopyTo(frame.AsMemory(1));
            await sendLock.WaitAsync(cts.Token);
            try { await ws.SendAsync(frame, WebSocketMessageType.Binary, true, cts.Token); }
            finally { sendLock.Release(); }
        }
        var shell = new ScriptedShell(shellContext, tty, text => Send(1, Encoding.UTF8.GetBytes(text)));
        try
        {
            await shell.StartAsync(argv);
            var buffer = new byte[16 * 1024];
            while (shell.ExitCode is null && ws.State == WebSocketState.Open)
            {
                using var ms = new MemoryStream();
                WebSocketReceiveResult r;
                do
                {
                    r = await ws.ReceiveAsync(buffer, cts.Token);
                    ms.Write(buffer, 0, r.Count);
                } while (!r.EndOfMessage);
                if (r.MessageType == WebSocketMessageType.Close) break;
                var msg = ms.ToArray();
                if (msg.Length == 0) continue;
                switch (msg[0])
                {
                    case 0: await shell.InputAsync(msg.AsMemory(1)); break;
                    case 255 when msg.Length > 1 && msg[1] == 0:
                        // v5: the client closed stdin; an interactive shell sees end of input.
                        if (shell.Interactive) await shell.InputAsync("\u0004"u8.ToArray());
                        break;
                }
                if (!shell.Interactive && shell.ExitCode is null) break;
            }
            var code = shell.ExitCode ?? 0;
            await Send(3, Encoding.UTF8.GetBytes(StatusJson(code, argv)));
            await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
            // Let the client read everything and answer the close before the connection goes away.
            using var drain = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            drain.CancelAfter(TimeSpan.FromSeconds(2));
            var sink = new byte[1024];
            while (ws.State == WebSocketState.CloseSent && (await ws.ReceiveAsync(sink, drain.Token)).MessageType != WebSocketMessageType.Close) { }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // client went away or the server is stopping
        }
    }

    private static string StatusJson(int code, IReadOnlyList<string> argv) => code == 0
        ? """{"metadata":{},"status":"Success"}"""
        : new System.Text.Json.Nodes.JsonObject
        {
            ["metadata"] = new System.Text.Json.Nodes.JsonObject(),
            ["status"] = "Failure",
            ["message"] = $"command terminated with non-zero exit code: error executing command [{string.Join(" ", argv)}], exit code {code}",
            ["reason"] = "NonZeroExitCode",
            ["details"] = new System.Text.Json.Nodes.JsonObject
            {
                ["causes"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
                    { ["reason"] = "ExitCode", ["message"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            },
        }.ToJsonString();

    private static JsonElement? FindContainer(JsonElement pod, ref string name, out string? error)
    {
        error = null;
        var all = new List<JsonElement>();
        foreach (var prop in new[] { "containers", "ephemeralContainers" })
            if (pod.TryGetProperty("spec", out var spec) && spec.TryGetProperty(prop, out var arr) && arr.ValueKind == JsonValueKind.Array)
                all.AddRange(arr.EnumerateArray());
        string NameOf(JsonElement c) => c.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
        if (name.Length == 0)
        {
            var regular = pod.GetProperty("spec").GetProperty("containers").EnumerateArray().ToList();
            if (regular.Count == 1) { name = NameOf(regular[0]); return regular[0]; }
            error = $"a container name must be specified for pod {NameOf(pod.GetProperty("metadata"))}, choose one of: [{string.Join(" ", regular.Select(NameOf))}]";
            return null;
        }
        var n = name;
        foreach (var c in all) if (NameOf(c) == n) return c;
        error = $"container {name} is not valid for pod {(pod.GetProperty("metadata").TryGetProperty("name", out var pn) ? pn.GetString() : "")}";
        return null;
    }

    private ShellContext ContextFor(JsonElement pod, JsonElement container, string ns)
    {
        var spec = pod.GetProperty("spec");
        var hostNetwork = spec.TryGetProperty("hostNetwork", out var hn) && hn.ValueKind == JsonValueKind.True;
        var podName = pod.GetProperty("metadata").GetProperty("name").GetString() ?? "";
        var hostname = hostNetwork && spec.TryGetProperty("nodeName", out var node) ? node.GetString() ?? podName : podName;
        var image = container.TryGetProperty("image", out var img) ? img.GetString() ?? "" : "";
        var hasShell = !(image.Contains("distroless", StringComparison.Ordinal) || image.Contains("scratch", StringComparison.Ordinal));
        var hasBash = hasShell && !image.Contains("alpine", StringComparison.Ordinal) && !image.Contains("busybox", StringComparison.Ordinal);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (container.TryGetProperty("env", out var envArr) && envArr.ValueKind == JsonValueKind.Array)
            foreach (var e in envArr.EnumerateArray())
                if (e.TryGetProperty("name", out var k) && e.TryGetProperty("value", out var v)) env[k.GetString() ?? ""] = v.GetString() ?? "";
        var cmType = store.Registry.ByPlural("", "v1", "configmaps")!;
        JsonElement? ConfigMap(string name) =>
            store.Get(cmType).Current.Find(ns, name) is { } o ? JsonDocument.Parse(o.Json).RootElement.Clone() : null;
        return new ShellContext(hostname, hasShell, hasBash, env, ScriptedShell.FilesFor(pod, container, hostname, ConfigMap));
    }
}

