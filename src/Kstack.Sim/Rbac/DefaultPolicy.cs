using System.Text.Json.Nodes;
using Kstack.Sim.Scenarios;

namespace Kstack.Sim.Rbac;

/// <summary>
/// The bootstrap ClusterRoles and ClusterRoleBindings a real cluster has (reduced to the rules that matter here).
/// Added to the store unless a scenario defines an object of the same name.
/// </summary>
internal static class DefaultPolicy
{
    private const string Yaml = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: cluster-admin, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
        - {nonResourceURLs: ["*"], verbs: ["*"]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: view, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - apiGroups: [""]
          resources: [configmaps, endpoints, persistentvolumeclaims, persistentvolumeclaims/status, pods, pods/log, pods/status, replicationcontrollers, replicationcontrollers/scale, replicationcontrollers/status, serviceaccounts, services, services/status, bindings, events, limitranges, namespaces/status, resourcequotas, resourcequotas/status, namespaces]
          verbs: [get, list, watch]
        - apiGroups: [apps]
          resources: [controllerrevisions, daemonsets, daemonsets/status, deployments, deployments/scale, deployments/status, replicasets, replicasets/scale, replicasets/status, statefulsets, statefulsets/scale, statefulsets/status]
          verbs: [get, list, watch]
        - apiGroups: [autoscaling]
          resources: [horizontalpodautoscalers, horizontalpodautoscalers/status]
          verbs: [get, list, watch]
        - apiGroups: [batch]
          resources: [cronjobs, cronjobs/status, jobs, jobs/status]
          verbs: [get, list, watch]
        - apiGroups: [policy]
          resources: [poddisruptionbudgets, poddisruptionbudgets/status]
          verbs: [get, list, watch]
        - apiGroups: [networking.k8s.io]
          resources: [ingresses, ingresses/status, networkpolicies]
          verbs: [get, list, watch]
        - apiGroups: [discovery.k8s.io]
          resources: [endpointslices]
          verbs: [get, list, watch]
        - apiGroups: [events.k8s.io]
          resources: [events]
          verbs: [get, list, watch]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: edit, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - apiGroups: ["", apps, autoscaling, batch, policy, networking.k8s.io, discovery.k8s.io, events.k8s.io]
          resources: ["*"]
          verbs: [get, list, watch, create, update, patch, delete, deletecollection]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: admin, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - apiGroups: ["", apps, autoscaling, batch, policy, networking.k8s.io, discovery.k8s.io, events.k8s.io, rbac.authorization.k8s.io]
          resources: ["*"]
          verbs: [get, list, watch, create, update, patch, delete, deletecollection]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:basic-user", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - apiGroups: [authorization.k8s.io]
          resources: [selfsubjectaccessreviews, selfsubjectrulesreviews]
          verbs: [create]
        - apiGroups: [authentication.k8s.io]
          resources: [selfsubjectreviews]
          verbs: [create]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:discovery", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - nonResourceURLs: [/api, /api/*, /apis, /apis/*, /healthz, /livez, /openapi, /openapi/*, /readyz, /version, /version/]
          verbs: [get]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:public-info-viewer", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - nonResourceURLs: [/healthz, /livez, /readyz, /version, /version/]
          verbs: [get]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: cluster-admin, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
        subjects:
        - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:masters"}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: "system:basic-user", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:basic-user"}
        subjects:
        - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: "system:discovery", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:discovery"}
        subjects:
        - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: "system:public-info-viewer", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:public-info-viewer"}
        subjects:
        - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}
        - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:unauthenticated"}
        """;

    public static IEnumerable<JsonObject> Objects() =>
        YamlToJson.Parse(Yaml).Where(d => d.Node is JsonObject).Select(d => (JsonObject)d.Node!);
}
