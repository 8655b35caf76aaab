using Kstack.Checks;
using System.Text.Json;
using Kstack.Audit;
using Kstack.Skills.Shared;
using static Kstack.Skills.AuditSecurity.PodSpecView;

namespace Kstack.Skills.AuditSecurity;

// Inside the namespace, so it wins over the Kstack.Checks namespace.
using Checks = Kstack.Skills.AuditSecurity.SecurityChecks;

internal enum PssLevel { Privileged = 0, Baseline = 1, Restricted = 2 }

/// <summary>
/// The 19 Pod Security Standards checks as the pod-security-admission library evaluates them, for a given policy
/// minor version (1.NN), over initContainers, containers and ephemeralContainers. Pure: a pod in, hits out.
/// </summary>
internal static class PodSecurityStandards
{
    public static readonly IReadOnlyDictionary<CheckInfo, PssLevel> Levels = new Dictionary<CheckInfo, PssLevel>
    {
        [Checks.HostNamespaces] = PssLevel.Baseline, [Checks.Privileged] = PssLevel.Baseline, [Checks.CapabilitiesBaseline] = PssLevel.Baseline,
        [Checks.HostPathVolumes] = PssLevel.Baseline, [Checks.HostPorts] = PssLevel.Baseline, [Checks.AppArmor] = PssLevel.Baseline,
        [Checks.SeLinux] = PssLevel.Baseline, [Checks.ProcMount] = PssLevel.Baseline, [Checks.SeccompBaseline] = PssLevel.Baseline,
        [Checks.Sysctls] = PssLevel.Baseline, [Checks.WindowsHostProcess] = PssLevel.Baseline, [Checks.HostProbes] = PssLevel.Baseline,
        [Checks.RestrictedVolumes] = PssLevel.Restricted, [Checks.PrivilegeEscalation] = PssLevel.Restricted, [Checks.RunAsNonRoot] = PssLevel.Restricted,
        [Checks.RunAsUser] = PssLevel.Restricted, [Checks.SeccompRestricted] = PssLevel.Restricted, [Checks.CapabilitiesRestricted] = PssLevel.Restricted,
        [Checks.ProcMountRestricted] = PssLevel.Restricted,
    };

    private static readonly HashSet<string> BaselineCapabilities =
        ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"];

    private static readonly HashSet<string> RestrictedVolumeTypes =
        ["configMap", "downwardAPI", "emptyDir", "projected", "secret", "csi", "persistentVolumeClaim", "ephemeral", "image"];

    /// <summary>Every violated check at the given level and policy minor version (restricted includes baseline).</summary>
    public static IEnumerable<Hit> Evaluate(JsonElement pod, int minor, PssLevel level = PssLevel.Restricted)
    {
        if (level == PssLevel.Privileged) yield break;
        foreach (var h in Baseline(pod, minor)) yield return h;
        if (level == PssLevel.Restricted)
            foreach (var h in Restricted(pod, minor)) yield return h;
    }

    /// <summary>The highest level the pod satisfies at the given version.</summary>
    public static PssLevel HighestPassed(JsonElement pod, int minor)
    {
        if (Baseline(pod, minor).Any()) return PssLevel.Privileged;
        return Restricted(pod, minor).Any() ? PssLevel.Baseline : PssLevel.Restricted;
    }

    private static IEnumerable<Hit> Baseline(JsonElement pod, int minor)
    {
        var psc = pod.Get("spec", "securityContext");
        foreach (var f in new[] { "hostNetwork", "hostPID", "hostIPC" })
            if (pod.Bool("spec", f)) yield return new Hit(Checks.HostNamespaces, $"spec.{f}", "true");

        var i = 0;
        foreach (var v in pod.Array("spec", "volumes"))
        {
            if (v.Get("hostPath") is { } hp) yield return new Hit(Checks.HostPathVolumes, $"spec.volumes[{i}].hostPath.path", hp.Str("path") ?? "");
            i++;
        }

        foreach (var (key, value) in pod.Props("metadata", "annotations").Select(p => (p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : "")))
        {
            if (key.StartsWith("container.apparmor.security.beta.kubernetes.io/", StringComparison.Ordinal)
                && !(value is "" or "runtime/default" || value.StartsWith("localhost/", StringComparison.Ordinal)))
                yield return new Hit(Checks.AppArmor, $"metadata.annotations[{key}]", value, key["container.apparmor.security.beta.kubernetes.io/".Length..]);
            if (minor < 19 && value == "unconfined"
                && (key == "seccomp.security.alpha.kubernetes.io/pod" || key.StartsWith("container.seccomp.security.alpha.kubernetes.io/", StringComparison.Ordinal)))
                yield return new Hit(Checks.SeccompBaseline, $"metadata.annotations[{key}]", value);
        }
        if (AppArmorBad(psc) is { } podAa) yield return new Hit(Checks.AppArmor, "spec.securityContext.appArmorProfile.type", podAa);
        foreach (var h in SeLinuxHits(psc, "spec.securityContext", null, minor)) yield return h;
        if (minor >= 19 && psc?.Str("seccompProfile", "type") == "Unconfined")
            yield return new Hit(Checks.SeccompBaseline, "spec.securityContext.seccompProfile.type", "Unconfined");
        if (pod.Bool("spec", "securityContext", "windowsOptions", "hostProcess"))
            yield return new Hit(Checks.WindowsHostProcess, "spec.securityContext.windowsOptions.hostProcess", "true");

        var allowedSysctls = SafeSysctls(minor);
        var s = 0;
        foreach (var sysctl in pod.Array("spec", "securityContext", "sysctls"))
        {
            var name = sysctl.Str("name") ?? "";
            if (!allowedSysctls.Contains(name)) yield return new Hit(Checks.Sysctls, $"spec.securityContext.sysctls[{s}].name", name);
            s++;
        }

        foreach (var c in AllContainers(pod))
        {
            var sc = c.SecurityContext;
            if (OptBool(sc, "privileged") == true) yield return new Hit(Checks.Privileged, $"{c.Path}.securityContext.privileged", "true", c.Name);
            var added = Strings(sc, "capabilities", "add").Where(cap => !BaselineCapabilities.Contains(cap)).ToList();
            if (added.Count > 0) yield return new Hit(Checks.CapabilitiesBaseline, $"{c.Path}.securityContext.capabilities.add", string.Join(",", added), c.Name);
            var p = 0;
            foreach (var port in c.Element.Array("ports"))
            {
                if (port.Long("hostPort") is { } hostPort and not 0)
                    yield return new Hit(Checks.HostPorts, $"{c.Path}.ports[{p}].hostPort", hostPort.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Name);
                p++;
            }
            if (AppArmorBad(sc) is { } aa) yield return new Hit(Checks.AppArmor, $"{c.Path}.securityContext.appArmorProfile.type", aa, c.Name);
            foreach (var h in SeLinuxHits(sc, $"{c.Path}.securityContext", c.Name, minor)) yield return h;
            if (sc?.Str("procMount") is { } pm && pm != "Default" && !(minor >= 35 && UserNamespaced(pod)))
                yield return new Hit(Checks.ProcMount, $"{c.Path}.securityContext.procMount", pm, c.Name);
            if (minor >= 19 && sc?.Str("seccompProfile", "type") == "Unconfined")
                yield return new Hit(Checks.SeccompBaseline, $"{c.Path}.securityContext.seccompProfile.type", "Unconfined", c.Name);
            if (OptBool(sc, "windowsOptions", "hostProcess") == true)
                yield return new Hit(Checks.WindowsHostProcess, $"{c.Path}.securityContext.windowsOptions.hostProcess", "true", c.Name);
            if (minor >= 34)
                foreach (var (path, host) in HandlerHosts(c.Element))
                    yield return new Hit(Checks.HostProbes, $"{c.Path}.{path}", host, c.Name);
        }
    }

    private static IEnumerable<Hit> Restricted(JsonElement pod, int minor)
    {
        var psc = pod.Get("spec", "securityContext");
        var windows = minor >= 25 && IsWindows(pod);
        var userNs = minor >= 35 && UserNamespaced(pod);

        var i = 0;
        foreach (var v in pod.Array("spec", "volumes"))
        {
            var type = v.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => n != "name");
            // hostPath is reported once, by the baseline hostPath check.
            if (type is not null && type != "hostPath" && !RestrictedVolumeTypes.Contains(type))
                yield return new Hit(Checks.RestrictedVolumes, $"spec.volumes[{i}].{type}", type);
            i++;
        }

        var podNonRoot = OptBool(psc, "runAsNonRoot");
        if (!userNs)
        {
            if (podNonRoot == false) yield return new Hit(Checks.RunAsNonRoot, "spec.securityContext.runAsNonRoot", "false");
            if (minor >= 23 && psc?.Long("runAsUser") == 0) yield return new Hit(Checks.RunAsUser, "spec.securityContext.runAsUser", "0");
        }
        var podSeccomp = psc?.Str("seccompProfile", "type");
        var podSeccompOk = podSeccomp is "RuntimeDefault" or "Localhost";
        if (minor >= 19 && !windows && podSeccomp is { } ps && !podSeccompOk && ps != "Unconfined")
            yield return new Hit(Checks.SeccompRestricted, "spec.securityContext.seccompProfile.type", ps);

        foreach (var c in AllContainers(pod))
        {
            var sc = c.SecurityContext;
            if (!windows && OptBool(sc, "allowPrivilegeEscalation") != false)
                yield return new Hit(Checks.PrivilegeEscalation, $"{c.Path}.securityContext.allowPrivilegeEscalation",
                    OptBool(sc, "allowPrivilegeEscalation") == true ? "true" : "unset", c.Name);
            if (!userNs)
            {
                var ctrNonRoot = OptBool(sc, "runAsNonRoot");
                if (ctrNonRoot == false || (ctrNonRoot is null && podNonRoot != true))
                    yield return new Hit(Checks.RunAsNonRoot, $"{c.Path}.securityContext.runAsNonRoot", ctrNonRoot == false ? "false" : "unset", c.Name);
                if (minor >= 23 && sc?.Long("runAsUser") == 0)
                    yield return new Hit(Checks.RunAsUser, $"{c.Path}.securityContext.runAsUser", "0", c.Name);
            }
            if (minor >= 19 && !windows)
            {
                var t = sc?.Str("seccompProfile", "type");
                if (t is null ? !podSeccompOk : t is not ("RuntimeDefault" or "Localhost" or "Unconfined"))
                    yield return new Hit(Checks.SeccompRestricted, $"{c.Path}.securityContext.seccompProfile.type", t ?? "unset", c.Name);
            }
            if (minor >= 22 && !windows)
            {
                var drop = Strings(sc, "capabilities", "drop").ToList();
                var add = Strings(sc, "capabilities", "add").Where(a => a != "NET_BIND_SERVICE").ToList();
                if (!drop.Contains("ALL"))
                    yield return new Hit(Checks.CapabilitiesRestricted, $"{c.Path}.securityContext.capabilities.drop", drop.Count == 0 ? "unset" : string.Join(",", drop), c.Name);
                else if (add.Count > 0 && add.All(BaselineCapabilities.Contains))
                    // Adds outside the baseline set are already reported by the baseline capabilities check.
                    yield return new Hit(Checks.CapabilitiesRestricted, $"{c.Path}.securityContext.capabilities.add", string.Join(",", add), c.Name);
            }
            if (minor >= 35 && sc?.Str("procMount") is { } pm && pm != "Default" && UserNamespaced(pod))
                yield return new Hit(Checks.ProcMountRestricted, $"{c.Path}.securityContext.procMount", pm, c.Name);
        }
    }

    /// <summary>The safe sysctl set at a policy version.</summary>
    public static HashSet<string> SafeSysctls(int minor)
    {
        var set = new HashSet<string>(StringComparer.Ordinal)
        {
            "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
            "net.ipv4.ip_unprivileged_port_start",
        };
        if (minor >= 27) set.Add("net.ipv4.ip_local_reserved_ports");
        if (minor >= 29) set.UnionWith(["net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"]);
        if (minor >= 32) set.UnionWith(["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]);
        if (minor >= 37) set.UnionWith(["net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"]);
        return set;
    }

    private static string? AppArmorBad(JsonElement? sc) =>
        sc?.Str("appArmorProfile", "type") is { } t && t is not ("RuntimeDefault" or "Localhost") ? t : null;

    private static IEnumerable<Hit> SeLinuxHits(JsonElement? sc, string path, string? container, int minor)
    {
        if (sc?.Get("seLinuxOptions") is not { } se) yield break;
        var type = se.Str("type") ?? "";
        if (!(type is "" or "container_t" or "container_init_t" or "container_kvm_t" || (minor >= 31 && type == "container_engine_t")))
            yield return new Hit(Checks.SeLinux, $"{path}.seLinuxOptions.type", type, container);
        foreach (var f in new[] { "user", "role" })
            if (se.Str(f) is { Length: > 0 } v) yield return new Hit(Checks.SeLinux, $"{path}.seLinuxOptions.{f}", v, container);
    }

    private static IEnumerable<(string Path, string Host)> HandlerHosts(JsonElement c)
    {
        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
            foreach (var h in new[] { "httpGet", "tcpSocket" })
                if (c.Str(probe, h, "host") is { Length: > 0 } host) yield return ($"{probe}.{h}.host", host);
        foreach (var hook in new[] { "postStart", "preStop" })
            foreach (var h in new[] { "httpGet", "tcpSocket" })
                if (c.Str("lifecycle", hook, h, "host") is { Length: > 0 } host) yield return ($"lifecycle.{hook}.{h}.host", host);
    }
}
