using System.Globalization;
using System.Text;
using System.Text.Json;
using Kstack.Sim.Logs;
using Microsoft.AspNetCore.Http;

namespace Kstack.Sim.Api;

internal sealed partial class ApiHandler
{
    private async Task PodLog(HttpContext ctx, RequestInfo info, Responder res)
    {
        var q = ctx.Request.Query;
        var podType = Registry.ByPlural("", "v1", "pods")!;
        var pod = store.Get(podType).Current.Find(info.Namespace, info.Name);
        if (pod == null) { await WriteStatus(res, StatusError.NotFound("pods", "", info.Name)); return; }
        using var doc = JsonDocument.Parse(pod.Json);
        var root = doc.RootElement;
        var containers = Names(root, "containers");
        var inits = Names(root, "initContainers");
        var ephemeral = Names(root, "ephemeralContainers");
        var container = q["container"].ToString();
        if (container.Length == 0)
        {
            if (containers.Count == 1) container = containers[0];
            else
            {
                var msg = $"a container name must be specified for pod {info.Name}, choose one of: [{string.Join(" ", containers)}]";
                if (inits.Count > 0) msg += $" or one of the init containers: [{string.Join(" ", inits)}]";
                if (ephemeral.Count > 0) msg += $" or one of the ephemeral containers: [{string.Join(" ", ephemeral)}]";
                await WriteStatus(res, StatusError.BadRequest(msg));
                return;
            }
        }
        if (!containers.Contains(container) && !inits.Contains(container) && !ephemeral.Contains(container))
        {
            await WriteStatus(res, StatusError.BadRequest($"container {container} is not valid for pod {info.Name}"));
            return;
        }
        var previous = q["previous"] is { Count: > 0 } pv && pv.ToString() is "true" or "1";
        var follow = q["follow"] is { Count: > 0 } fv && fv.ToString() is "true" or "1";
        var timestamps = q["timestamps"] is { Count: > 0 } tv && tv.ToString() is "true" or "1";
        long? tail = long.TryParse(q["tailLines"], out var tl) ? tl : null;
        long? limitBytes = long.TryParse(q["limitBytes"], out var lb) && lb > 0 ? lb : null;
        DateTimeOffset? since = null;
        if (long.TryParse(q["sinceSeconds"], out var ss)) since = clock().AddSeconds(-ss);
        if (q["sinceTime"] is { Count: > 0 } st)
        {
            if (!DateTimeOffset.TryParse(st, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var stt))
                throw new BadRequestException($"invalid sinceTime: {st}");
            since = stt;
        }
        var log = logs.Find(info.Namespace, info.Name, container, previous);
        if (log == null)
        {
            if (previous)
            {
                await WriteStatus(res, StatusError.BadRequest($"previous terminated container \"{container}\" in pod \"{info.Name}\" not found"));
                return;
            }
            var waiting = WaitingReason(root, container);
            if (waiting != null && waiting != "CrashLoopBackOff")
            {
                var why = waiting is "ImagePullBackOff" or "ErrImagePull" ? "trying and failing to pull image" : waiting;
                await WriteStatus(res, StatusError.BadRequest($"container \"{container}\" in pod \"{info.Name}\" is waiting to start: {why}"));
                return;
            }
            if (follow) log = logs.GetOrAdd(info.Namespace, info.Name, container, false);
        }
        res.Start(200, "text/plain");
        long written = 0;
        bool Emit(LogLine l)
        {
            if (since != null && l.Time < since) return true;
            var text = timestamps ? l.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "00Z " + l.Text + "\n" : l.Text + "\n";
            var bytes = Encoding.UTF8.GetBytes(text);
            if (limitBytes is { } max && written + bytes.Length > max)
            {
                res.Write(bytes.AsSpan(0, (int)(max - written)));
                written = max;
                return false;
            }
            res.Write(bytes);
            written += bytes.Length;
            return true;
        }
        if (log == null) return;
        var lines = log.Snapshot();
        var startAt = tail is { } t ? (int)Math.Max(0, lines.Length - t) : 0;
        var keepGoing = true;
        for (var i = startAt; i < lines.Length && keepGoing; i++) keepGoing = Emit(lines[i]);
        if (!follow || !keepGoing) return;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, Stopping);
        var ct = cts.Token;
        await res.FlushAsync(force: true, ct: ct);
        var next = lines.Length;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var changed = log.Changed;
                var more = log.From(next);
                if (more.Length == 0)
                {
                    await changed.WaitAsync(ct);
                    continue;
                }
                next += more.Length;
                foreach (var l in more) if (!(keepGoing = Emit(l))) break;
                await res.FlushAsync(force: true, ct: ct);
                if (!keepGoing) return;
            }
        }
        catch (OperationCanceledException)
        {
            // the client stopped following
        }
    }

    private static List<string> Names(JsonElement root, string prop) =>
        root.TryGetProperty("spec", out var spec) && spec.TryGetProperty(prop, out var arr) && arr.ValueKind == JsonValueKind.Array
            ? arr.EnumerateArray().Select(c => c.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "").ToList()
            : [];

    private static string? WaitingReason(JsonElement root, string container)
    {
        if (!root.TryGetProperty("status", out var status)) return "ContainerCreating";
        foreach (var prop in new[] { "containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses" })
        {
            if (!status.TryGetProperty(prop, out var arr) || arr.ValueKind != JsonValueKind.Array) continue;
            foreach (var c in arr.EnumerateArray())
            {
                if (!c.TryGetProperty("name", out var n) || n.GetString() != container) continue;
                if (c.TryGetProperty("state", out var state) && state.TryGetProperty("waiting", out var waiting))
                    return waiting.TryGetProperty("reason", out var r) ? r.GetString() ?? "ContainerCreating" : "ContainerCreating";
                return null;
            }
        }
        return "ContainerCreating";
    }
}
