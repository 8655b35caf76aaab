using Xunit;

namespace Kstack.Sim.Tests.Api;

/// <summary>Server-side Table columns as real kubectl 1.32 prints them for built-in kinds and CRD printer columns.</summary>
public sealed class TablesTests
{
    [Fact]
    public async Task Kubectl_get_prints_the_built_in_columns_of_workloads_storage_and_policy_kinds()
    {
        await using var server = await SimServer.StartAsync(new SimOptions { Scenarios = ["demo"] });
        async Task<string[]> Get(string what)
        {
            var r = await TestSupport.Kubectl(server, "get", what, "-A");
            Assert.True(r.ExitCode == 0, r.Stderr);
            return r.Stdout.TrimEnd().Split('\n');
        }
        string[] Header(string[] lines) => System.Text.RegularExpressions.Regex.Split(lines[0].Trim(), @"\s{2,}");

        Assert.Equal(["NAMESPACE", "NAME", "READY", "AGE"], Header(await Get("statefulsets")));
        Assert.Equal(["NAMESPACE", "NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"], Header(await Get("daemonsets")));
        var jobs = await Get("jobs");
        Assert.Equal(["NAMESPACE", "NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"], Header(jobs));
        Assert.Contains(jobs.Skip(1), l => System.Text.RegularExpressions.Regex.IsMatch(l, @"\s(Complete|Failed|Running)\s+\d+/\d+\s"));
        var cronjobs = await Get("cronjobs");
        Assert.Equal(["NAMESPACE", "NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"], Header(cronjobs));
        Assert.Contains(cronjobs.Skip(1), l => System.Text.RegularExpressions.Regex.IsMatch(l, @"\s(False|True)\s+\d+\s"));
        Assert.Contains(cronjobs.Skip(1), l => l.Contains("*/30 * * * *"));
        var pvcs = await Get("pvc");
        Assert.Equal(["NAMESPACE", "NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE"], Header(pvcs));
        Assert.Contains(pvcs.Skip(1), l => l.Contains("Bound") && l.Contains("RWO"));
        Assert.Equal(["NAMESPACE", "NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"], Header(await Get("ingress")));
        Assert.Equal(["NAMESPACE", "NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"], Header(await Get("pdb")));

        // The issue's exact command: several kinds in one call, each with its own columns.
        var all = await TestSupport.Kubectl(server, "get", "sts,ds,jobs,cronjobs,pvc,ingress,pdb", "-A");
        Assert.True(all.ExitCode == 0, all.Stderr);
        Assert.Contains("NODE SELECTOR", all.Stdout);
        Assert.Contains("ALLOWED DISRUPTIONS", all.Stdout);
    }

    [Fact]
    public async Task Crd_additional_printer_columns_are_served()
    {
        var dir = TestSupport.TempDir();
        File.WriteAllText(Path.Combine(dir, "crd.yaml"), """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              scope: Namespaced
              names: {kind: Widget, plural: widgets, singular: widget}
              versions:
              - name: v1
                served: true
                storage: true
                additionalPrinterColumns:
                - {name: Size, type: integer, jsonPath: .spec.size}
                - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
                - {name: Owner, type: string, jsonPath: .spec.owner, priority: 1}
                - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
            ---
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: blue, namespace: shop}
            spec: {size: 3, owner: team-a}
            status:
              conditions:
              - {type: Synced, status: "False"}
              - {type: Ready, status: "True"}
            """);
        await using var server = await SimServer.StartAsync(new SimOptions { Scenarios = [dir] });
        var r = await TestSupport.Kubectl(server, "get", "widgets", "-n", "shop");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.Stdout.TrimEnd().Split('\n');
        Assert.Matches(@"^NAME\s+SIZE\s+READY\s+AGE$", lines[0]);
        Assert.Matches(@"^blue\s+3\s+True\s+\d+[smhd]", lines[1]);
        var wide = await TestSupport.Kubectl(server, "get", "widgets", "-n", "shop", "-o", "wide");
        Assert.Matches(@"^NAME\s+SIZE\s+READY\s+OWNER\s+AGE$", wide.Stdout.Split('\n')[0]);
        Assert.Contains("team-a", wide.Stdout);
    }
}
