namespace Engine.Service.Tests.Infrastructure;

/// <summary>Small manifests for the service tests.</summary>
internal static class Manifests
{
    /// <summary>A noop stage and a tar assembler: about a third of a second; <paramref name="tag"/> makes it a distinct build.</summary>
    public static string Trivial(string tag)
        => "{\"stages\": [{\"name\": \"org.osbuild.noop\", \"options\": {\"tag\": \"" + tag + "\"}}], \"assembler\": {\"name\": \"org.osbuild.tar\", \"options\": {\"filename\": \"out.tar\"}}}";

    /// <summary>A build that runs for <paramref name="seconds"/> in its stage (org.test.sleep), then makes a tar.</summary>
    public static string Sleeping(double seconds, string tag)
        => "{\"stages\": [{\"name\": \"org.test.sleep\", \"options\": {\"seconds\": " + seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + ", \"tag\": \"" + tag + "\"}}], \"assembler\": {\"name\": \"org.osbuild.tar\", \"options\": {\"filename\": \"slept.tar\"}}}";

    /// <summary>A build whose stage fails with exit status 3 (org.osbuild.error).</summary>
    public static string Failing(string tag)
        => "{\"stages\": [{\"name\": \"org.osbuild.noop\", \"options\": {\"tag\": \"" + tag + "\"}}, {\"name\": \"org.osbuild.error\", \"options\": {\"returncode\": 3}}], \"assembler\": {\"name\": \"org.osbuild.tar\", \"options\": {\"filename\": \"out.tar\"}}}";
}
