namespace Kstack.Sim;

/// <summary>How to start a <see cref="SimServer"/>; mirrors the kstack-sim command line.</summary>
internal sealed record SimOptions
{
    /// <summary>Scenario directories or built-in scenario names, merged in order.</summary>
    public IReadOnlyList<string> Scenarios { get; init; } = [];
    /// <summary>Loopback address and port; port 0 picks a free one.</summary>
    public string Listen { get; init; } = "127.0.0.1:0";
    /// <summary>Where to write the kubeconfig; null writes one into a fresh temporary directory.</summary>
    public string? KubeconfigPath { get; init; }
    public string? AuditLogPath { get; init; }
    public string? FaultsPath { get; init; }
    /// <summary>Number of synthetic pods to generate on top of the scenarios (0: none).</summary>
    public int GeneratePods { get; init; }
    public int GenerateSeed { get; init; } = 1;
}
