using System.Reflection;
using Xunit;

namespace Kstack.Sim.Tests;

/// <summary>The simulator's tests follow kstack's test naming style (tests/Kstack.Tests/TestNamingTests.cs): a sentence with underscores.</summary>
public class TestNamingTests
{
    [Fact]
    public void Every_test_method_is_named_as_a_sentence_with_underscores() => Assert.Empty(
        typeof(TestNamingTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any() && !m.Name.Contains('_'))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}"));
}
