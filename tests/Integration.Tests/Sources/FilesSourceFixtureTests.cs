using System.Runtime.Versioning;
using System.Security.Cryptography;
using Engine.Host.Json;
using Engine.Host.Services.Sources;
using static Engine.Integration.Tests.Sources.SourcesTestEnvironment;

namespace Engine.Integration.Tests.Sources;

/// <summary>
/// osbuild's own test/sources_tests/org.osbuild.files cases against the published org.osbuild.files,
/// served by a real HTTP server. Like osbuild's test, every case runs twice with the same cache and
/// output directories (cold, then warm) and must give the same outcome both times.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class FilesSourceFixtureTests
{
    public static TheoryData<string> Cases() => new(
        Directory.GetFiles(Path.Combine(FilesFixture, "cases"), "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Fixture_ColdThenWarmCache_SameOutcome(string caseName)
    {
        // Given
        var testCase = (JValue.Object)JsonTextParser.Parse(File.ReadAllText(Path.Combine(FilesFixture, "cases", caseName + ".json")), caseName);
        bool expectsSuccess = ((JValue.String)testCase["expects"]!).Value == "success";
        string[] checksums = ((JValue.Array)testCase["checksums"]!).Items.Select(c => ((JValue.String)c).Value).ToArray();
        using var scratch = new ScratchDirectory("files-fixture-");
        await using var server = new TestHttpServer(root: OsbuildData);
        JValue.Object options = FixtureOptions(server.BaseUrl);

        foreach (string run in new[] { "cold", "warm" })
        {
            // When
            Task<JValue> fetch = RunAsync("org.osbuild.files", options, JValue.Object.Empty, scratch.Combine("cache"), scratch.Combine("output"),
                checksums, cancellationToken: TestContext.Current.CancellationToken);

            // Then
            if (expectsSuccess)
            {
                Assert.Equal(JValue.Object.Empty, await fetch);
                foreach (string checksum in checksums)
                {
                    string hex = checksum["sha256:".Length..];
                    Assert.Equal(hex, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(scratch.Combine("output", checksum)))));
                    Assert.True(File.Exists(scratch.Combine("cache", checksum)), $"{run}: {checksum} is not in the cache");
                }
            }
            else
            {
                var failure = await Assert.ThrowsAsync<SourceFailedException>(() => fetch);
                Assert.Equal("org.osbuild.files", failure.SourceName);
                AssertNamesTheProblem(caseName, checksums[0], failure.Message, server.BaseUrl);
            }
        }

        // Nothing unverified is ever left in the cache, and a failing case caches nothing.
        string[] cached = Directory.Exists(scratch.Combine("cache")) ? Directory.GetFileSystemEntries(scratch.Combine("cache")) : [];
        Assert.Equal(expectsSuccess ? checksums.Length : 0, cached.Length);
    }

    private static void AssertNamesTheProblem(string caseName, string checksum, string message, string baseUrl)
    {
        switch (caseName)
        {
            case "invalid_checksum":
                Assert.StartsWith($"org.osbuild.files: checksum mismatch: {checksum} {baseUrl}test/sources_tests/org.osbuild.files/data/a", message, StringComparison.Ordinal);
                Assert.EndsWith(": the server's file has sha256:87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7", message, StringComparison.Ordinal);
                break;
            case "missing_file":
                Assert.StartsWith($"org.osbuild.files: error downloading {baseUrl}test/sources_tests/org.osbuild.files/data/missing", message, StringComparison.Ordinal);
                Assert.Contains(checksum, message, StringComparison.Ordinal);
                Assert.Contains("HTTP 404 Not Found", message, StringComparison.Ordinal);
                break;
            case "unknown_checksum":
                Assert.Equal($"org.osbuild.files: unknown file: {checksum}", message);
                break;
            default:
                Assert.Fail($"case {caseName} was not expected to fail: {message}");
                break;
        }
    }
}
