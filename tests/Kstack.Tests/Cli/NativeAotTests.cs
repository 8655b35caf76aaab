using Kstack.Panes;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Cli;

/// <summary>
/// With clang on the machine `make build` must produce a NativeAOT binary (the build itself fails on trim/AOT warnings,
/// see scripts/build-kstack.sh); a silent fall-back to the framework-dependent build fails here.
/// </summary>
public sealed class NativeAotTests
{
    [Fact]
    public void With_clang_the_built_kstack_is_a_native_executable_that_starts()
    {
        if (Tmux.Which("clang") is null) return; // without clang the framework-dependent build is the documented outcome
        var bin = KstackProcess.KstackBin;
        var head = new byte[4];
        using (var f = File.OpenRead(bin)) Assert.Equal(4, f.Read(head));
        Assert.Equal("\u007fELF"u8.ToArray(), head);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(bin)!, "kstack.dll")), "kstack.dll beside the binary: the AOT publish fell back");
        var output = KstackProcess.Run(bin, ["--version"], new Dictionary<string, string?>(), timeoutMs: 30_000);
        Assert.Equal(0, output.Exit);
        Assert.StartsWith("{\"kstack\":\"1\",\"status\":\"ok\"", output.Stdout);
    }
}
