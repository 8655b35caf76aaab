using System.Text.Json;
using System.Text.RegularExpressions;
using Kstack.Skills.Shared;
using static Kstack.Skills.AuditSecurity.PodSpecView;

namespace Kstack.Skills.AuditSecurity;

// Inside the namespace, so it wins over the Kstack.Checks namespace.
using Checks = Kstack.Skills.AuditSecurity.SecurityChecks;

/// <summary>Pod checks beyond the Pod Security Standards: Polaris, CIS 5.4/5.6, Kubescape and image hygiene. Pure.</summary>
internal static partial class PodChecks
{
    private static readonly string[] RuntimeSockets =
        ["/var/run/docker.sock", "/var/run/docker", "/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock", "/var/run/crio/crio.sock", "/run/crio/crio.sock"];

    private static readonly string[] CloudCredentialPaths =
        ["/.aws/", "/etc/kubernetes/azure.json", "/.azure/", "/.config/gcloud/", "application_default_credentials.json"];

    public static IEnumerable<Hit> Evaluate(JsonElement pod)
    {
        var psc = pod.Get("spec", "securityContext");
        var podHasContext = psc is { ValueKind: JsonValueKind.Object } o && o.EnumerateObject().Any();
        var podSeccomp = psc?.Str("seccompProfile", "type") is { } pt && pt != "Unconfined";
        var podSeLinux = psc?.Get("seLinuxOptions") is { ValueKind: JsonValueKind.Object } ps && ps.EnumerateObject().Any();

        foreach (var c in AllContainers(pod))
        {
            var sc = c.SecurityContext;
            var hasContext = sc is { ValueKind: JsonValueKind.Object } so && so.EnumerateObject().Any();
            if (!c.IsEphemeral)
            {
                if (OptBool(sc, "readOnlyRootFilesystem") != true)
                    yield return new Hit(Checks.WritableRootFs, $"{c.Path}.securityContext.readOnlyRootFilesystem", OptBool(sc, "readOnlyRootFilesystem") == false ? "false" : "unset", c.Name);
                var drop = Strings(sc, "capabilities", "drop").ToList();
                var hardened = podSeccomp || podSeLinux
                    || sc?.Str("seccompProfile", "type") is { } t && t != "Unconfined"
                    || sc?.Get("seLinuxOptions") is { ValueKind: JsonValueKind.Object } se && se.EnumerateObject().Any()
                    || drop.Count > 0 && !Strings(sc, "capabilities", "add").Contains("ALL")
                    || Annotation(pod, "container.apparmor.security.beta.kubernetes.io/" + c.Name) is { Length: > 0 } aa && aa != "unconfined"
                    || sc?.Str("appArmorProfile", "type") is "RuntimeDefault" or "Localhost"
                    || psc?.Str("appArmorProfile", "type") is "RuntimeDefault" or "Localhost";
                if (!hardened) yield return new Hit(Checks.NoHardening, $"{c.Path}.securityContext", hasContext ? "no seccomp, SELinux, AppArmor or dropped capabilities" : "unset", c.Name);
                if (!podHasContext && !hasContext) yield return new Hit(Checks.NoSecurityContext, $"{c.Path}.securityContext", "unset", c.Name);
            }
            if (c.Kind == "containers")
            {
                var missing = new[] { "cpu", "memory" }.Where(r => c.Element.Str("resources", "limits", r) is not { Length: > 0 }).ToList();
                if (missing.Count > 0) yield return new Hit(Checks.NoLimits, $"{c.Path}.resources.limits", "no " + string.Join(", no ", missing), c.Name);
            }
            if (UsesSudo(c.Element)) yield return new Hit(Checks.Sudo, $"{c.Path}.command", "sudo", c.Name);
            foreach (var h in ImageHits(c)) yield return h;
            foreach (var h in EnvHits(c)) yield return h;
        }

        var i = 0;
        foreach (var v in pod.Array("spec", "volumes"))
        {
            if (v.Str("hostPath", "path") is { } path)
            {
                var normalised = path.TrimEnd('/');
                if (RuntimeSockets.Contains(normalised) || CloudCredentialPaths.Any(p => (path + "/").Contains(p, StringComparison.Ordinal)))
                    yield return new Hit(Checks.SensitiveHostPath, $"spec.volumes[{i}].hostPath.path", path);
                var name = v.Str("name");
                foreach (var c in AllContainers(pod))
                {
                    var m = 0;
                    foreach (var mount in c.Element.Array("volumeMounts"))
                    {
                        if (mount.Str("name") == name && !mount.Bool("readOnly"))
                            yield return new Hit(Checks.WritableHostPath, $"{c.Path}.volumeMounts[{m}].readOnly", path, c.Name);
                        m++;
                    }
                }
            }
            i++;
        }
    }

    /// <summary>The image name split into repository, tag and digest (tag null when absent).</summary>
    public static (string Repository, string? Tag, string? Digest) ParseImage(string image)
    {
        string? digest = null;
        var at = image.IndexOf('@');
        if (at >= 0) { digest = image[(at + 1)..]; image = image[..at]; }
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash ? (image[..colon], image[(colon + 1)..], digest) : (image, null, digest);
    }

    private static IEnumerable<Hit> ImageHits(ContainerView c)
    {
        var image = c.Element.Str("image") ?? "";
        var field = $"{c.Path}.image";
        var (repo, tag, digest) = ParseImage(image);
        if (digest is null && (tag is null || tag == "latest")) yield return new Hit(Checks.ImageLatest, field, image, c.Name);
        if (digest is null) yield return new Hit(Checks.ImageNoDigest, field, image, c.Name);
        if (repo.StartsWith("k8s.gcr.io/", StringComparison.Ordinal)) yield return new Hit(Checks.ImageDeprecatedRegistry, field, image, c.Name);
        if (repo.EndsWith("ingress-nginx/controller", StringComparison.Ordinal) || repo.StartsWith("registry.k8s.io/ingress-nginx/", StringComparison.Ordinal))
            yield return new Hit(Checks.ImageIngressNginx, field, image, c.Name);
    }

    private static IEnumerable<Hit> EnvHits(ContainerView c)
    {
        var e = 0;
        foreach (var env in c.Element.Array("env"))
        {
            var name = env.Str("name") ?? "";
            if (env.Str("value") is { Length: > 0 } value && Redaction.EnvRedactor.LooksLikeCredential(name, value))
                yield return new Hit(Checks.EnvCredential, $"{c.Path}.env[{e}].value", name, c.Name); // the name, never the value
            if (env.Str("valueFrom", "secretKeyRef", "name") is { } secret)
                yield return new Hit(Checks.SecretAsEnv, $"{c.Path}.env[{e}].valueFrom.secretKeyRef", $"{name} ← secret {secret}", c.Name);
            e++;
        }
        var f = 0;
        foreach (var from in c.Element.Array("envFrom"))
        {
            if (from.Str("secretRef", "name") is { } secret)
                yield return new Hit(Checks.SecretAsEnv, $"{c.Path}.envFrom[{f}].secretRef", "secret " + secret, c.Name);
            f++;
        }
    }

    private static bool UsesSudo(JsonElement c) =>
        c.Array("command").Concat(c.Array("args")).Any(a => a.ValueKind == JsonValueKind.String && SudoWord().IsMatch(a.GetString()!));

    [GeneratedRegex(@"(^|[\s;&|/])sudo(\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex SudoWord();
}
