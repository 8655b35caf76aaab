using Kstack.Checks;
using Kstack.Audit;
using static Kstack.Checks.Severity;

namespace Kstack.Skills.AuditSecurity;

/// <summary>The /audit-security catalogue. IDs are stable: baselines, exemptions and SARIF alerts key on them.</summary>
internal static class SecurityChecks
{
    private static CheckInfo C(string id, string category, Severity severity, string title, string remediation, params string[] standards) =>
        new(id, title, severity, category, remediation, Standards: standards);

    // Pod Security Standards: the 19 checks of the pod-security-admission library, baseline then restricted.
    public static readonly CheckInfo HostNamespaces = C("SEC-PSS-HOST-NAMESPACES", "pod-security", High,
        "Pod shares the node's network, PID or IPC namespace", "Remove hostNetwork/hostPID/hostIPC or set them to false.",
        "pss:baseline/hostNamespaces", "polaris:hostNetworkSet", "polaris:hostPIDSet", "polaris:hostIPCSet", "cis-1.12:5.2.3", "cis-1.12:5.2.4", "cis-1.12:5.2.5", "kubescape:C-0038", "kubescape:C-0041");
    public static readonly CheckInfo Privileged = C("SEC-PSS-PRIVILEGED", "pod-security", Critical,
        "Privileged container", "Set securityContext.privileged to false; grant single capabilities instead.",
        "pss:baseline/privileged", "polaris:runAsPrivileged", "cis-1.12:5.2.2", "kubescape:C-0057");
    public static readonly CheckInfo CapabilitiesBaseline = C("SEC-PSS-CAPABILITIES-BASELINE", "pod-security", High,
        "Container adds a capability outside the baseline set", "Remove the added capability (SYS_ADMIN, NET_ADMIN, NET_RAW, ALL …) from capabilities.add.",
        "pss:baseline/capabilities_baseline", "polaris:dangerousCapabilities", "cis-1.12:5.2.8", "cis-1.12:5.2.9", "kubescape:C-0046");
    public static readonly CheckInfo HostPathVolumes = C("SEC-PSS-HOST-PATH", "pod-security", High,
        "Pod mounts a hostPath volume", "Replace the hostPath volume with a PVC, configMap, secret or emptyDir.",
        "pss:baseline/hostPathVolumes", "polaris:hostPathSet", "cis-1.12:5.2.11", "kubescape:C-0048");
    public static readonly CheckInfo HostPorts = C("SEC-PSS-HOST-PORTS", "pod-security", Medium,
        "Container binds a host port", "Remove ports[].hostPort; expose the pod through a Service.",
        "pss:baseline/hostPorts", "polaris:hostPortSet", "cis-1.12:5.2.12", "kubescape:C-0044");
    public static readonly CheckInfo AppArmor = C("SEC-PSS-APPARMOR", "pod-security", Medium,
        "AppArmor profile overridden", "Use appArmorProfile type RuntimeDefault or Localhost (or remove the unconfined annotation).",
        "pss:baseline/appArmorProfile");
    public static readonly CheckInfo SeLinux = C("SEC-PSS-SELINUX", "pod-security", Medium,
        "Custom SELinux type, user or role", "Remove seLinuxOptions.user/role and use a container_* type.",
        "pss:baseline/seLinuxOptions");
    public static readonly CheckInfo ProcMount = C("SEC-PSS-PROC-MOUNT", "pod-security", Medium,
        "Unmasked /proc mount", "Remove securityContext.procMount or set it to Default.",
        "pss:baseline/procMount", "polaris:procMount");
    public static readonly CheckInfo SeccompBaseline = C("SEC-PSS-SECCOMP-UNCONFINED", "pod-security", Medium,
        "Seccomp explicitly Unconfined", "Set seccompProfile.type to RuntimeDefault (or Localhost).",
        "pss:baseline/seccompProfile_baseline", "cis-1.12:5.6.2");
    public static readonly CheckInfo Sysctls = C("SEC-PSS-SYSCTLS", "pod-security", Medium,
        "Unsafe sysctl", "Remove sysctls outside the safe set from spec.securityContext.sysctls.",
        "pss:baseline/sysctls");
    public static readonly CheckInfo WindowsHostProcess = C("SEC-PSS-WINDOWS-HOST-PROCESS", "pod-security", Critical,
        "Windows HostProcess container", "Remove windowsOptions.hostProcess.",
        "pss:baseline/windowsHostProcess", "polaris:hostProcess", "cis-1.12:5.2.10");
    public static readonly CheckInfo HostProbes = C("SEC-PSS-HOST-PROBES", "pod-security", Medium,
        "Probe or lifecycle hook aimed at another host", "Remove .host from httpGet/tcpSocket probes and lifecycle handlers.",
        "pss:baseline/hostProbesAndHostLifecycle");
    public static readonly CheckInfo RestrictedVolumes = C("SEC-PSS-VOLUME-TYPES", "pod-security", Low,
        "Volume type outside the restricted set", "Use configMap, secret, emptyDir, projected, downwardAPI, csi, persistentVolumeClaim, ephemeral or image volumes.",
        "pss:restricted/restrictedVolumes");
    public static readonly CheckInfo PrivilegeEscalation = C("SEC-PSS-PRIVILEGE-ESCALATION", "pod-security", Medium,
        "Privilege escalation not disabled", "Set securityContext.allowPrivilegeEscalation: false on every container.",
        "pss:restricted/allowPrivilegeEscalation", "polaris:privilegeEscalationAllowed", "cis-1.12:5.2.6", "kubescape:C-0016");
    public static readonly CheckInfo RunAsNonRoot = C("SEC-PSS-RUN-AS-NON-ROOT", "pod-security", Medium,
        "Not required to run as non-root", "Set securityContext.runAsNonRoot: true (pod level, or on every container).",
        "pss:restricted/runAsNonRoot", "polaris:runAsRootAllowed", "cis-1.12:5.2.7", "kubescape:C-0013");
    public static readonly CheckInfo RunAsUser = C("SEC-PSS-RUN-AS-ROOT-USER", "pod-security", High,
        "Runs as UID 0", "Set runAsUser to a non-zero UID (or remove runAsUser: 0).",
        "pss:restricted/runAsUser", "cis-1.12:5.2.7", "kubescape:C-0013");
    public static readonly CheckInfo SeccompRestricted = C("SEC-PSS-SECCOMP-MISSING", "pod-security", Low,
        "No seccomp profile", "Set spec.securityContext.seccompProfile.type: RuntimeDefault.",
        "pss:restricted/seccompProfile_restricted", "cis-1.12:5.6.2");
    public static readonly CheckInfo CapabilitiesRestricted = C("SEC-PSS-CAPABILITIES-NOT-DROPPED", "pod-security", Low,
        "Capabilities not dropped", "Set capabilities.drop: [ALL] and add back only NET_BIND_SERVICE if needed.",
        "pss:restricted/capabilities_restricted", "polaris:insecureCapabilities", "cis-1.12:5.2.9");
    public static readonly CheckInfo ProcMountRestricted = C("SEC-PSS-PROC-MOUNT-RESTRICTED", "pod-security", Low,
        "Unmasked /proc mount under user namespaces", "Remove securityContext.procMount or set it to Default.",
        "pss:restricted/procMount_restricted");

    // Namespace Pod Security Admission labels against what the namespace's pods do.
    public static readonly CheckInfo NamespaceUnlabelled = C("SEC-NS-PSA-MISSING", "namespace", Medium,
        "Namespace runs workloads without a Pod Security enforce label", "Label the namespace pod-security.kubernetes.io/enforce=baseline (or restricted).",
        "cis-1.12:5.2.1");
    public static readonly CheckInfo NamespacePrivileged = C("SEC-NS-PSA-PRIVILEGED", "namespace", Medium,
        "Namespace enforces the privileged level (no restriction)", "Use enforce=baseline or restricted; move node agents to a dedicated namespace.",
        "cis-1.12:5.2.1");
    public static readonly CheckInfo NamespaceViolation = C("SEC-NS-PSA-VIOLATION", "namespace", High,
        "Running pod violates its namespace's Pod Security level", "Fix the pod (it was admitted before the label or by an exemption) or relax the label knowingly.",
        "pss:admission", "cis-1.12:5.2.1");

    // Further pod checks (Polaris security and efficiency, CIS 5.6, Kubescape).
    public static readonly CheckInfo WritableRootFs = C("SEC-POD-WRITABLE-ROOT-FS", "pod-security", Low,
        "Root filesystem is writable", "Set securityContext.readOnlyRootFilesystem: true; mount an emptyDir where writes are needed.",
        "polaris:notReadOnlyRootFilesystem", "kubescape:C-0017");
    public static readonly CheckInfo NoHardening = C("SEC-POD-NO-HARDENING", "pod-security", Low,
        "No Linux hardening at all (seccomp, SELinux, AppArmor or dropped capabilities)", "Apply seccompProfile RuntimeDefault and drop ALL capabilities.",
        "polaris:linuxHardening", "kubescape:C-0055");
    public static readonly CheckInfo NoSecurityContext = C("SEC-POD-NO-SECURITY-CONTEXT", "pod-security", Low,
        "No securityContext on pod or container", "Add a securityContext (runAsNonRoot, allowPrivilegeEscalation: false, capabilities.drop: [ALL]).",
        "cis-1.12:5.6.3");
    public static readonly CheckInfo NoLimits = C("SEC-POD-NO-LIMITS", "pod-security", Low,
        "Container has no CPU or memory limit (a noisy or hostile pod can starve its node)", "Set resources.limits.cpu and resources.limits.memory.",
        "polaris:cpuLimitsMissing", "polaris:memoryLimitsMissing", "kubescape:C-0009", "kubescape:C-0004");
    public static readonly CheckInfo SensitiveHostPath = C("SEC-POD-HOSTPATH-SENSITIVE", "pod-security", Critical,
        "hostPath mounts a container runtime socket or cloud credentials", "Remove the mount; use the cloud's workload identity instead of node credentials.",
        "kubescape:C-0074", "kubescape:C-0020");
    public static readonly CheckInfo WritableHostPath = C("SEC-POD-HOSTPATH-WRITABLE", "pod-security", Medium,
        "hostPath mounted read-write", "Mount the hostPath with volumeMounts[].readOnly: true.",
        "kubescape:C-0045");
    public static readonly CheckInfo Sudo = C("SEC-POD-SUDO", "pod-security", Low,
        "Container command uses sudo", "Run the step with the needed UID instead of sudo.",
        "kubescape:C-0062");
    public static readonly CheckInfo NoOwner = C("SEC-POD-NO-OWNER", "workloads", Low,
        "Bare pod without a controller", "Run it from a Deployment, StatefulSet, DaemonSet or Job.",
        "kubescape:C-0073");
    public static readonly CheckInfo DefaultNamespace = C("SEC-WORKLOAD-DEFAULT-NAMESPACE", "workloads", Low,
        "Workload runs in the default namespace", "Move it to a dedicated namespace with its own RBAC and Pod Security label.",
        "cis-1.12:5.6.4", "kubescape:C-0061");

    // Images.
    public static readonly CheckInfo ImageLatest = C("SEC-IMAGE-LATEST", "images", Medium,
        "Image has no tag or uses :latest", "Pin a version tag (and a digest).",
        "polaris:tagNotSpecified", "popeye:100", "popeye:101");
    public static readonly CheckInfo ImageNoDigest = C("SEC-IMAGE-NO-DIGEST", "images", Info,
        "Image not pinned by digest", "Reference the image as name:tag@sha256:… so a re-pushed tag cannot change what runs.",
        "kubescape:C-0306");
    public static readonly CheckInfo ImageDeprecatedRegistry = C("SEC-IMAGE-DEPRECATED-REGISTRY", "images", Medium,
        "Image from the frozen k8s.gcr.io registry", "Pull from registry.k8s.io instead.",
        "kubescape:C-0253");
    public static readonly CheckInfo ImageIngressNginx = C("SEC-IMAGE-INGRESS-NGINX-EOL", "images", Medium,
        "Community ingress-nginx controller (end of life March 2026)", "Migrate to a maintained ingress or Gateway API controller.",
        "kubescape:C-0292");

    // Service accounts, Secrets and credentials.
    public static readonly CheckInfo EnvCredential = C("SEC-ENV-LITERAL-CREDENTIAL", "secrets", High,
        "Literal credential in an env value", "Move the value into a Secret and mount it as a file.",
        "polaris:sensitiveContainerEnvVar", "kubescape:C-0012");
    public static readonly CheckInfo SecretAsEnv = C("SEC-SECRET-AS-ENV", "secrets", Low,
        "Secret consumed as an environment variable", "Mount the Secret as a volume (env leaks through crash dumps, /proc and child processes).",
        "cis-1.12:5.4.1");
    public static readonly CheckInfo LegacyToken = C("SEC-SECRET-LEGACY-SA-TOKEN", "secrets", Medium,
        "Long-lived service-account token Secret", "Delete it and use projected (bound, expiring) tokens.",
        "cis-1.12:5.1.6", "kubescape:C-0034");
    public static readonly CheckInfo UnusedSecret = C("SEC-SECRET-UNUSED", "secrets", Info,
        "Secret referenced by no pod and no service account", "Delete it if nothing outside the cluster's pods needs it.",
        "popeye:400");
    public static readonly CheckInfo Automount = C("SEC-SA-AUTOMOUNT", "service-accounts", Medium,
        "Pod mounts a service-account token that has RBAC rights", "Set automountServiceAccountToken: false on the pod or its ServiceAccount unless it calls the API.",
        "polaris:automountServiceAccountToken", "cis-1.12:5.1.6", "popeye:301", "kubescape:C-0034");
    public static readonly CheckInfo DefaultSaUsed = C("SEC-SA-DEFAULT-USED", "service-accounts", Low,
        "Pod runs as the default service account", "Give the workload its own ServiceAccount.",
        "cis-1.12:5.1.5", "popeye:300");
    public static readonly CheckInfo MissingSa = C("SEC-SA-MISSING", "service-accounts", Medium,
        "Pod names a service account that does not exist", "Create the ServiceAccount or fix serviceAccountName.",
        "popeye:307", "kubescape:C-0307");

    // RBAC: roles and bindings as written.
    public static readonly CheckInfo Wildcard = C("SEC-RBAC-WILDCARD", "rbac", Medium,
        "Role rule uses a wildcard", "List the verbs, resources and API groups explicitly.",
        "cis-1.12:5.1.3");
    public static readonly CheckInfo ClusterAdmin = C("SEC-RBAC-CLUSTER-ADMIN", "rbac", Critical,
        "Binding grants cluster-admin (or an equivalent all-wildcard role)", "Bind a narrower role; keep cluster-admin for break-glass accounts.",
        "cis-1.12:5.1.1", "polaris:clusterrolebindingClusterAdmin", "polaris:rolebindingClusterAdminClusterRole", "polaris:rolebindingClusterAdminRole", "kubescape:C-0035");
    public static readonly CheckInfo SystemMasters = C("SEC-RBAC-SYSTEM-MASTERS", "rbac", High,
        "Binding names the system:masters group", "Remove the subject: system:masters bypasses RBAC, a binding to it is meaningless or a mistake.",
        "cis-1.12:5.1.7");
    public static readonly CheckInfo Anonymous = C("SEC-RBAC-ANONYMOUS", "rbac", Critical,
        "Rights granted to system:anonymous or system:unauthenticated", "Remove the subject from the binding.",
        "kubescape:C-0262");
    public static readonly CheckInfo AllAuthenticated = C("SEC-RBAC-ALL-AUTHENTICATED", "rbac", High,
        "Rights granted to every authenticated user or every service account", "Bind named users, groups or service accounts instead.",
        "kubescape:C-0265");
    public static readonly CheckInfo MissingSubject = C("SEC-RBAC-MISSING-SUBJECT", "rbac", Low,
        "Binding names a service account that does not exist", "Delete the subject (anyone creating that ServiceAccount inherits the rights).",
        "popeye:1300");
    public static readonly CheckInfo MissingRole = C("SEC-RBAC-MISSING-ROLE", "rbac", Low,
        "Binding refers to a role that does not exist", "Delete the binding or create the role it expects.",
        "popeye:1300", "polaris:clusterrolebindingPodExecAttach");
    public static readonly CheckInfo DefaultSaRights = C("SEC-RBAC-DEFAULT-SA-RIGHTS", "rbac", Medium,
        "The default service account has been granted rights", "Bind a dedicated ServiceAccount; every pod without one runs as default.",
        "cis-1.12:5.1.5", "popeye:308");

    // RBAC: effective rights of a subject (aggregation resolved, RoleBindings scoped to their namespace).
    public static readonly CheckInfo SecretsRead = C("SEC-RBAC-SECRETS-READ", "rbac", High,
        "Subject can read Secrets", "Drop get/list/watch on secrets, or restrict it with resourceNames.",
        "cis-1.12:5.1.2", "kubescape:C-0015");
    public static readonly CheckInfo Escalate = C("SEC-RBAC-ESCALATE", "rbac", Critical,
        "Subject can escalate, bind or impersonate", "Remove escalate/bind on roles and impersonate on users, groups and service accounts.",
        "cis-1.12:5.1.8", "kubescape:C-0065");
    public static readonly CheckInfo PodExec = C("SEC-RBAC-POD-EXEC", "rbac", High,
        "Subject can exec into, attach to or add debug containers to pods", "Remove create on pods/exec and pods/attach and patch on pods/ephemeralcontainers.",
        "polaris:clusterrolePodExecAttach", "polaris:rolePodExecAttach", "polaris:clusterrolebindingPodExecAttach", "polaris:rolebindingRolePodExecAttach",
        "polaris:rolebindingClusterRolePodExecAttach", "kubescape:C-0002");
    public static readonly CheckInfo NodesProxy = C("SEC-RBAC-NODES-PROXY", "rbac", Critical,
        "Subject can reach the kubelet API through nodes/proxy", "Remove nodes/proxy (it allows exec into any pod on the node).",
        "cis-1.12:5.1.10");
    public static readonly CheckInfo CreatePods = C("SEC-RBAC-CREATE-PODS", "rbac", Medium,
        "Subject can create pods or workloads", "Limit create on pods and workload kinds to deployers.",
        "cis-1.12:5.1.4");
    public static readonly CheckInfo CreatePv = C("SEC-RBAC-CREATE-PV", "rbac", Medium,
        "Subject can create PersistentVolumes (a hostPath PV reaches the node)", "Remove create on persistentvolumes.",
        "cis-1.12:5.1.9");
    public static readonly CheckInfo CsrApprove = C("SEC-RBAC-CSR-APPROVE", "rbac", High,
        "Subject can approve certificate signing requests", "Remove update on certificatesigningrequests/approval and approve on signers.",
        "cis-1.12:5.1.11");
    public static readonly CheckInfo Webhooks = C("SEC-RBAC-WEBHOOK-CONFIG", "rbac", High,
        "Subject can change admission webhook configurations", "Remove write verbs on validating/mutatingwebhookconfigurations.",
        "cis-1.12:5.1.12");
    public static readonly CheckInfo TokenCreate = C("SEC-RBAC-SA-TOKEN-CREATE", "rbac", Medium,
        "Subject can mint service-account tokens", "Remove create on serviceaccounts/token.",
        "cis-1.12:5.1.13");
    public static readonly CheckInfo PortForward = C("SEC-RBAC-PORT-FORWARD", "rbac", Medium,
        "Subject can port-forward into pods", "Remove create on pods/portforward.",
        "kubescape:C-0063");
    public static readonly CheckInfo CoreDns = C("SEC-RBAC-COREDNS-UPDATE", "rbac", High,
        "Subject can rewrite the CoreDNS configuration", "Remove update/patch on configmaps in kube-system.",
        "kubescape:C-0037");
    public static readonly CheckInfo Takeover = C("SEC-RBAC-WORKLOAD-TAKEOVER", "rbac", Critical,
        "A running workload's service account can create pods and read Secrets", "Split the rights, or remove one half; a compromised pod can otherwise take over the namespace or cluster.",
        "kubescape:C-0267");

    public static readonly IReadOnlyList<CheckInfo> All =
    [
        HostNamespaces, Privileged, CapabilitiesBaseline, HostPathVolumes, HostPorts, AppArmor, SeLinux, ProcMount, SeccompBaseline,
        Sysctls, WindowsHostProcess, HostProbes, RestrictedVolumes, PrivilegeEscalation, RunAsNonRoot, RunAsUser, SeccompRestricted,
        CapabilitiesRestricted, ProcMountRestricted,
        NamespaceUnlabelled, NamespacePrivileged, NamespaceViolation,
        WritableRootFs, NoHardening, NoSecurityContext, NoLimits, SensitiveHostPath, WritableHostPath, Sudo, NoOwner, DefaultNamespace,
        ImageLatest, ImageNoDigest, ImageDeprecatedRegistry, ImageIngressNginx,
        EnvCredential, SecretAsEnv, LegacyToken, UnusedSecret, Automount, DefaultSaUsed, MissingSa,
        Wildcard, ClusterAdmin, SystemMasters, Anonymous, AllAuthenticated, MissingSubject, MissingRole, DefaultSaRights,
        SecretsRead, Escalate, PodExec, NodesProxy, CreatePods, CreatePv, CsrApprove, Webhooks, TokenCreate, PortForward, CoreDns, Takeover,
    ];

    public static readonly IChecklist Checklist = new CheckCatalogue("audit-security", All);

    private static readonly Dictionary<string, CheckInfo> ById = All.ToDictionary(c => c.Id, StringComparer.OrdinalIgnoreCase);

    /// <summary>By ID, case-insensitive; called once per cached finding when a report is read back.</summary>
    public static CheckInfo? Find(string id) => ById.GetValueOrDefault(id);
}
