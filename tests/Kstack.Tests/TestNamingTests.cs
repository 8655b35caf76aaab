using System.Reflection;
using Xunit;

namespace Kstack.Tests;

/// <summary>
/// One naming style for test methods in both test projects: a sentence with underscores (A_flag_given_twice_is_named).
/// tests/Kstack.Sim.Tests/TestNamingTests.cs holds the same check for the simulator's tests.
/// </summary>
public class TestNamingTests
{
    /// <summary>The [Fact] and [Theory] methods (a TheoryAttribute is a FactAttribute) whose name has no underscore.</summary>
    public static List<string> Unnamed(IEnumerable<Type> types) =>
        types.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any() && !m.Name.Contains('_'))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}").Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void Every_test_method_is_named_as_a_sentence_with_underscores() =>
        Assert.Empty(Unnamed(typeof(TestNamingTests).Assembly.GetTypes().Where(t => t != typeof(PascalCaseExample))));

    [Fact]
    public void A_pascal_case_test_method_is_caught() =>
        Assert.Equal([$"{nameof(PascalCaseExample)}.{nameof(PascalCaseExample.ParsesEverything)}"], Unnamed([typeof(PascalCaseExample)]));
}

/// <summary>The naming test's negative case: abstract, so xunit never runs it, and skipped besides.</summary>
public abstract class PascalCaseExample
{
    [Fact(Skip = "an example of a name the naming test rejects")]
    public void ParsesEverything() { }
}
